package io.parley.internal.ring;

import io.parley.PeerGoneException;
import io.parley.internal.ring.RingFile.Direction;
import io.parley.transport.Capabilities;
import io.parley.transport.Transport;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * The shared-memory ring transport (SPEC §9.4): frames go out as DATA records through Agrona's
 * {@link OneToOneRingBuffer} towards the peer and come in through the other ring; a {@link
 * Doorbell} on the Unix socket beside the file wakes sleepers and reports the peer's death.
 *
 * <p>Reading: records are copied straight into the caller's buffer (a record larger than what is
 * left goes partly into a staging buffer of one max message), after checking every position,
 * length and type; a violation is a {@link CorruptTransportException}. An empty ring is polled for
 * the spin budget (adaptive: after a few spins in a row that found nothing, the next waits do not
 * spin), then the consumer announces sleep, fences, re-checks and blocks on the doorbell socket
 * itself until a DATA bell (one kernel wake-up, no hand-over from another thread). Writing: pieces of at most the ring's max message length; a full ring is waited out the
 * same way with the producer wait sequence and SPACE bells. Bells for the peer's consumer are rung
 * at {@link #flush()} (once per batch) and before waiting for space. Nothing is allocated per
 * read or write.
 */
public final class RingTransport implements Transport {
    private static final long PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a wait that ran out with records waiting still waits for the producer's bell. */
    private static final long LOST_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Spins in a row that found nothing before spinning pauses (a busy host, a slow peer). */
    private static final int SPIN_MISSES = 4;
    /** Waits without spinning before spinning is tried again. */
    private static final int SPIN_PAUSE = 32;

    private final RingFile file;
    private final Doorbell bell;
    private final Role role;
    private final String description;
    private final Transport process;
    private final long spinNanos;
    private final UnsafeBuffer header;
    private final OneToOneRingBuffer out;
    private final OneToOneRingBuffer in;
    private final int outBase;
    private final int inBase;
    private final int capacity;
    private final int maxOut;
    private final int maxIn;
    private final UnsafeBuffer inBuffer;
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[0]);
    private final byte[] staging;
    private int stagingAt;
    private int stagingEnd;
    private final Records records = new Records();
    /** The consumer-sleep and producer-wait values last rung for (one writer thread each). */
    private int lastDataRung = -1;
    private int lastSpaceRung = -1;
    private boolean inEnded;
    private volatile boolean outClosed;
    private volatile boolean closed;
    private volatile long lostWakeups;
    /** Reader-thread state of the adaptive spin. */
    private int spinMisses;
    private int spinPaused;

    /**
     * A transport over an attached {@code file}: {@code parent} says which ring is ours to write.
     * {@code socket} is the connected doorbell socket (after the hello); {@code process}, if not
     * null, is the child whose lifetime and failure report go with this transport.
     */
    public RingTransport(RingFile file, boolean parent, SocketChannel socket, String description, Transport process,
            long spinNanos) throws IOException {
        this.file = file;
        this.role = parent ? Role.INITIATOR : Role.ACCEPTOR;
        this.description = description;
        this.process = process;
        this.spinNanos = Math.max(0, spinNanos);
        Direction outDir = parent ? Direction.PARENT_TO_CHILD : Direction.CHILD_TO_PARENT;
        Direction inDir = parent ? Direction.CHILD_TO_PARENT : Direction.PARENT_TO_CHILD;
        this.header = file.header();
        this.out = file.ring(outDir);
        this.in = file.ring(inDir);
        this.outBase = outDir.base();
        this.inBase = inDir.base();
        this.capacity = file.capacity();
        this.maxOut = out.maxMsgLength();
        this.maxIn = in.maxMsgLength();
        this.inBuffer = (UnsafeBuffer) in.buffer();
        this.staging = new byte[maxIn];
        this.bell = new Doorbell(socket, description);
    }

    /** The child whose lifetime goes with this transport (parent side), or null. */
    public Transport process() {
        return process;
    }

    @Override
    public Role role() {
        return role;
    }

    /** Any thread may read; reads are bounded in time and an interrupt ends their wait. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.SELECTABLE;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return read(buffer, offset, length, 0);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (stagingAt < stagingEnd) {
            int n = Math.min(length, stagingEnd - stagingAt);
            System.arraycopy(staging, stagingAt, buffer, offset, n);
            stagingAt += n;
            return n;
        }
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        while (true) {
            int n = poll(buffer, offset, length);
            if (n > 0) {
                return n;
            }
            if (inEnded) {
                return -1;
            }
            if (closed) {
                throw new IOException(description + " is closed");
            }
            String violation = bell.violation();
            if (violation != null) {
                throw new CorruptTransportException(violation);
            }
            if (bell.ended() != null) {
                // the peer is gone: what it committed before has been read; end of stream (SPEC §8.6)
                n = poll(buffer, offset, length);
                return n > 0 ? n : -1;
            }
            if (!awaitData(deadline)) {
                return 0;
            }
        }
    }

    private boolean hasData() {
        long head = in.consumerPosition();
        return inBuffer.getIntVolatile((int) head & (capacity - 1)) > 0;
    }

    /** Spin, then announce sleep, fence, re-check and park (SPEC §9.4 "Wake-ups"). False on timeout or interrupt. */
    private boolean awaitData(long deadline) {
        if (spinPaused > 0) {
            spinPaused--;
        } else {
            long spinEnd = System.nanoTime() + spinNanos;
            while (System.nanoTime() - spinEnd < 0) {
                if (hasData()) {
                    spinMisses = 0;
                    return true;
                }
                Thread.onSpinWait();
            }
            if (spinNanos > 0 && ++spinMisses >= SPIN_MISSES) {
                // the peer is slow or the host crowded: a spin only steals its CPU for a while
                spinMisses = 0;
                spinPaused = SPIN_PAUSE;
            }
        }
        long seen = bell.dataBells();
        int sleepAt = inBase + RingFile.CONSUMER_SLEEP;
        int sequence = header.getInt(sleepAt) | 1;
        header.putIntVolatile(sleepAt, sequence);
        VarHandle.fullFence();
        bell.dataWaiter(Thread.currentThread());
        try {
            while (!hasData()) {
                if (bell.dataBells() != seen || bell.ended() != null || closed) {
                    return true;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                long wait = PARK_NANOS;
                if (deadline != 0) {
                    wait = Math.min(wait, deadline - System.nanoTime());
                    if (wait <= 0) {
                        return false;
                    }
                }
                long before = System.nanoTime();
                bell.await(wait);
                if (System.nanoTime() - before >= PARK_NANOS && hasData() && bell.dataBells() == seen) {
                    // records and no bell: the producer may not have flushed yet; a grace for its bell
                    long graceEnd = System.nanoTime() + LOST_GRACE_NANOS;
                    while (bell.dataBells() == seen && bell.ended() == null && !closed
                            && !Thread.currentThread().isInterrupted() && System.nanoTime() - graceEnd < 0) {
                        bell.await(graceEnd - System.nanoTime());
                    }
                    if (bell.dataBells() == seen && bell.ended() == null && !closed) {
                        lostWakeups++;
                    }
                }
            }
            return true;
        } finally {
            bell.dataWaiter(null);
            header.putIntRelease(sleepAt, sequence + 1);
        }
    }

    /** Copies committed records into {@code buffer}; 0 when none (or only padding) were there. */
    private int poll(byte[] buffer, int offset, int length) throws CorruptTransportException {
        long head = in.consumerPosition();
        long tail = in.producerPosition();
        if (tail - head < 0 || tail - head > capacity || (head & 7) != 0) {
            throw corrupt("positions out of range: head " + head + ", tail " + tail + ", capacity " + capacity);
        }
        Records r = records;
        r.start(buffer, offset, length);
        try {
            in.controlledRead(r);
        } catch (IndexOutOfBoundsException e) {
            throw corrupt("a record reaches outside the ring (" + e.getMessage() + ")");
        }
        if (r.error != null) {
            throw corrupt(r.error);
        }
        long newHead = in.consumerPosition();
        if (newHead != head) {
            if (newHead - in.producerPosition() > 0) {
                throw corrupt("a padding record's length moves head " + newHead + " past tail");
            }
            ringSpaceIfWaiting();
        }
        return r.copied;
    }

    private CorruptTransportException corrupt(String what) {
        return new CorruptTransportException("corrupt shared-memory ring from " + description + ": " + what
                + " (SPEC §9.4); the session cannot continue");
    }

    /** After releasing head: wake the peer's producer if it announced that it waits (SPEC §9.4). */
    private void ringSpaceIfWaiting() {
        VarHandle.fullFence();
        int waiting = header.getIntVolatile(inBase + RingFile.PRODUCER_WAIT);
        if ((waiting & 1) == 1 && waiting != lastSpaceRung) {
            lastSpaceRung = waiting;
            bell.ringSpace();
        }
    }

    /** The record handler: validates each record and copies its payload; one instance, reused. */
    private final class Records implements ControlledMessageHandler {
        byte[] into;
        int at;
        int room;
        int copied;
        String error;

        void start(byte[] buffer, int offset, int length) {
            into = buffer;
            at = offset;
            room = length;
            copied = 0;
            error = null;
        }

        @Override
        public Action onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
            if (type != RingFile.TYPE_DATA && type != RingFile.TYPE_CLOSE) {
                error = "record type " + type + " is neither DATA (1) nor CLOSE (2)";
                return Action.ABORT;
            }
            if (length < 0 || index + length > capacity || length > maxIn) {
                error = "record at " + (index - 8) + " has length " + (length + 8) + " (max message " + maxIn + ")";
                return Action.ABORT;
            }
            if (type == RingFile.TYPE_CLOSE) {
                if (length != 0) {
                    error = "CLOSE record with a payload of " + length + " bytes";
                    return Action.ABORT;
                }
                inEnded = true;
                return Action.BREAK;
            }
            int left = room - copied;
            if (length <= left) {
                buffer.getBytes(index, into, at + copied, length);
                copied += length;
                return copied == room ? Action.BREAK : Action.CONTINUE;
            }
            if (copied > 0) {
                return Action.ABORT;
            }
            buffer.getBytes(index, into, at, left);
            buffer.getBytes(index + left, staging, 0, length - left);
            stagingAt = 0;
            stagingEnd = length - left;
            copied = left;
            return Action.BREAK;
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        if (outClosed || closed) {
            throw new IOException(description + ": output is closed");
        }
        UnsafeBuffer src = source;
        if (src.byteArray() != buffer) {
            src.wrap(buffer);
        }
        int at = offset;
        int left = length;
        while (left > 0) {
            int piece = Math.min(left, maxOut);
            while (!out.write(RingFile.TYPE_DATA, src, at, piece)) {
                awaitSpace(piece);
            }
            at += piece;
            left -= piece;
        }
    }

    /**
     * Whether a record of {@code length} payload bytes fits now, by Agrona's claim rule: the aligned
     * record plus one header of slack, and when it must wrap, that much before head's index.
     */
    private boolean hasRoom(int length) {
        int aligned = (length + 8 + 7) & ~7;
        int required = aligned + 8;
        long tail = out.producerPosition();
        long head = out.consumerPosition();
        if (required > capacity - (int) (tail - head)) {
            return false;
        }
        int toEnd = capacity - ((int) tail & (capacity - 1));
        return aligned == toEnd || required <= toEnd || required <= ((int) head & (capacity - 1));
    }

    /** The ring is full: ring the consumer, spin, then announce, fence, re-check and park for a SPACE bell. */
    private void awaitSpace(int length) throws IOException {
        ringDataIfAsleep();
        long spinEnd = System.nanoTime() + spinNanos;
        while (System.nanoTime() - spinEnd < 0) {
            if (hasRoom(length)) {
                return;
            }
            Thread.onSpinWait();
        }
        long seen = bell.spaceBells();
        int waitAt = outBase + RingFile.PRODUCER_WAIT;
        int sequence = header.getInt(waitAt) | 1;
        header.putIntVolatile(waitAt, sequence);
        VarHandle.fullFence();
        boolean interrupted = false;
        bell.spaceWaiter(Thread.currentThread());
        try {
            while (!hasRoom(length) && bell.spaceBells() == seen) {
                if (closed) {
                    throw new IOException(description + " is closed");
                }
                if (bell.ended() != null) {
                    throw new IOException(description + ": " + bell.ended() + " while this side waited for room in the ring");
                }
                bell.await(PARK_NANOS);
                // an interrupt only ends one wait; the write goes on (its status is kept)
                interrupted |= Thread.interrupted();
            }
        } finally {
            bell.spaceWaiter(null);
            header.putIntRelease(waitAt, sequence + 1);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** After publishing: wake the peer's consumer if it announced sleep (SPEC §9.4). */
    private void ringDataIfAsleep() {
        VarHandle.fullFence();
        int sleeping = header.getIntVolatile(outBase + RingFile.CONSUMER_SLEEP);
        if ((sleeping & 1) == 1 && sleeping != lastDataRung) {
            lastDataRung = sleeping;
            bell.ringData();
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException(description + " is closed");
        }
        ringDataIfAsleep();
    }

    /** A CLOSE record, then the producer state {@code closed} (SPEC §9.4 "Liveness and close"). */
    @Override
    public void shutdownOutput() throws IOException {
        if (outClosed || closed) {
            return;
        }
        while (!out.write(RingFile.TYPE_CLOSE, source, 0, 0)) {
            awaitSpace(0);
        }
        outClosed = true;
        header.putIntRelease(outBase + RingFile.PRODUCER_STATE, RingFile.STATE_CLOSED);
        ringDataIfAsleep();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        String stats = System.getenv("PARLEY_RING_STATS");
        if (lostWakeups > 0 || (stats != null && !stats.isEmpty())) {
            // a lost wake-up is a bug worth a line (SPEC §9.4); PARLEY_RING_STATS asks for it always
            System.err.println("parley ring stats (" + description + "): " + lostWakeups + " lost wake-ups");
        }
        if (!outClosed) {
            header.putIntRelease(outBase + RingFile.PRODUCER_STATE, RingFile.STATE_ABORTED);
        }
        header.putIntRelease(inBase + RingFile.CONSUMER_STATE, inEnded ? RingFile.STATE_CLOSED : RingFile.STATE_ABORTED);
        try {
            bell.close();
            file.close();
        } finally {
            if (process != null) {
                process.close();
            }
        }
    }

    /**
     * The parent closed this child's stdin (SPEC §9.4 step 3: §9.1's end-of-stdin rule applies on
     * the ring too): what the parent committed is still read, then the input ends, as when the
     * socket ends.
     */
    public void parentGone() {
        bell.peerEnded("the parent closed this child's standard input (SPEC §9.1)");
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public PeerGoneException peerGone(String what) {
        return process != null ? process.peerGone(what) : Transport.super.peerGone(what);
    }

    /** No heartbeats by default: the doorbell socket's end is the peer's death, as with stdio. */
    @Override
    public int defaultHeartbeatMs() {
        return 0;
    }

    /** Times a blocked wait ran out while records were waiting and no bell came (SPEC §9.4): should stay 0. */
    public long lostWakeups() {
        return lostWakeups;
    }

    /** The ring's data capacity (each direction). */
    public int capacity() {
        return capacity;
    }
}
