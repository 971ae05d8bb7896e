package io.parley.internal;

import static io.parley.internal.frame.FrameDescriptor.HEADER_LENGTH;

import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameFlags;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Coalesces outgoing frames into few writes (SPEC §9). Senders append encoded frames to a shared
 * buffer; the first sender that finds no write in progress becomes the flusher and writes the
 * whole buffer, again and again until it is empty, then flushes. Frames appended meanwhile ride
 * along in the next write, so many small frames cost few syscalls and a lone call costs one
 * write and no thread hand-off.
 *
 * <p>The reader thread must never block on the transport (both pipes full would deadlock), so
 * its frames ({@code mayBlock = false}) hand the flush to an executor when no flusher is running.
 * Other senders wait while the buffer is over its high-water mark: memory stays bounded.
 */
public final class FrameWriter {
    private static final int INITIAL = 64 * 1024;
    private static final int HIGH_WATER = 4 << 20;

    private final Transport transport;
    private final Executor flushExecutor;
    private final Consumer<IOException> onFailure;
    private final FrameEncoder encoder = new FrameEncoder();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    /** Held for the whole of a chunked message: one chunked message at a time (SPEC §5 rule 3). */
    private final ReentrantLock chunkLock = new ReentrantLock();
    private byte[] pending = new byte[INITIAL];
    private int pendingLength;
    private byte[] spare = new byte[INITIAL];
    private boolean flushing;
    private IOException failure;
    private long writes;
    private long frames;

    public FrameWriter(Transport transport, Executor flushExecutor, Consumer<IOException> onFailure) {
        this.transport = transport;
        this.flushExecutor = flushExecutor;
        this.onFailure = onFailure;
    }

    /** Sends one frame. */
    public void send(int kind, int flags, int id, byte[] meta, int codec, int compression, byte[] body, int bodyOffset,
            int bodyLength, boolean mayBlock) throws IOException {
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            while (mayBlock && flushing && pendingLength > HIGH_WATER && failure == null) {
                drained.awaitUninterruptibly();
            }
            if (failure != null) {
                throw failure;
            }
            int metaLength = meta == null ? 0 : meta.length;
            int frameLength = HEADER_LENGTH + metaLength + bodyLength;
            ensure(frameLength);
            encoder.writeHeader(pending, pendingLength, kind, flags, id, metaLength, codec, compression, bodyLength);
            int at = pendingLength + HEADER_LENGTH;
            if (metaLength > 0) {
                System.arraycopy(meta, 0, pending, at, metaLength);
            }
            if (bodyLength > 0) {
                System.arraycopy(body, bodyOffset, pending, at + metaLength, bodyLength);
            }
            pendingLength += frameLength;
            frames++;
            if (flushing) {
                return; // the running flusher picks it up
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        if (mayBlock) {
            drain();
        } else {
            flushExecutor.execute(() -> {
                try {
                    drain();
                } catch (IOException e) {
                    // reported through onFailure
                }
            });
        }
    }

    /** Appends bytes that are not a frame, between two frames (conformance tests of stray handling). */
    public void sendRaw(byte[] bytes) throws IOException {
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            ensure(bytes.length);
            System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
            pendingLength += bytes.length;
            if (flushing) {
                return;
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        drain();
    }

    /**
     * Sends a message, split into MORE/CONTINUATION frames when its payload exceeds {@code maxFrame}
     * (SPEC §5). Other frames may interleave between the chunks.
     */
    public void sendMessage(int kind, int flags, int id, byte[] meta, int codec, int compression, byte[] body, int maxFrame)
            throws IOException {
        int metaLength = meta == null ? 0 : meta.length;
        int bodyLength = body == null ? 0 : body.length;
        if (metaLength + bodyLength <= maxFrame) {
            send(kind, flags, id, meta, codec, compression, body, 0, bodyLength, true);
            return;
        }
        chunkLock.lock();
        try {
            int first = maxFrame - metaLength;
            send(kind, flags | FrameFlags.MORE, id, meta, codec, compression, body, 0, first, true);
            int offset = first;
            while (offset < bodyLength) {
                int n = Math.min(maxFrame, bodyLength - offset);
                boolean last = offset + n == bodyLength;
                int f = FrameFlags.CONTINUATION | (last ? 0 : FrameFlags.MORE);
                send(kind, f, id, null, codec, compression, body, offset, n, true);
                offset += n;
            }
        } finally {
            chunkLock.unlock();
        }
    }

    private void ensure(int more) {
        if (pending.length - pendingLength >= more) {
            return;
        }
        long want = Math.max((long) pendingLength + more, 2L * pending.length);
        pending = java.util.Arrays.copyOf(pending, (int) Math.min(want, Integer.MAX_VALUE - 8));
    }

    private void drain() throws IOException {
        while (true) {
            byte[] out;
            int n;
            lock.lock();
            try {
                if (pendingLength == 0) {
                    // nothing queued: flush while still the flusher, then re-check
                    lock.unlock();
                    try {
                        transport.flush();
                    } catch (IOException e) {
                        lock.lock();
                        fail(e);
                        throw e;
                    }
                    lock.lock();
                    if (pendingLength == 0) {
                        flushing = false;
                        if (spare.length > HIGH_WATER) {
                            spare = new byte[INITIAL];
                        }
                        drained.signalAll();
                        return;
                    }
                    continue;
                }
                out = pending;
                n = pendingLength;
                pending = spare.length >= INITIAL ? spare : new byte[INITIAL];
                spare = null;
                pendingLength = 0;
                drained.signalAll();
            } finally {
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            boolean interrupted = Thread.interrupted(); // an interrupt would close a socket channel mid-write
            try {
                transport.write(out, 0, n);
                writes++;
            } catch (IOException e) {
                lock.lock();
                try {
                    fail(e);
                } finally {
                    lock.unlock();
                }
                throw e;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            lock.lock();
            try {
                spare = out.length > HIGH_WATER ? new byte[INITIAL] : out;
            } finally {
                lock.unlock();
            }
        }
    }

    private void fail(IOException e) {
        boolean first = failure == null;
        failure = e;
        flushing = false;
        pendingLength = 0;
        drained.signalAll();
        if (first) {
            onFailure.accept(e);
        }
    }

    /**
     * Waits for a running flush to finish, then refuses further frames: the session is about to
     * half-close the transport after GOODBYE.
     */
    public void shutdown() {
        lock.lock();
        try {
            while (flushing && failure == null) {
                drained.awaitUninterruptibly();
            }
            if (failure == null) {
                failure = new IOException("the session's output is closed (GOODBYE exchange done)");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes (syscalls) and frames so far: frames / writes is the coalescing ratio. */
    public long writes() {
        return writes;
    }

    public long frames() {
        return frames;
    }
}
