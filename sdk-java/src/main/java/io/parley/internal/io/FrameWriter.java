package io.parley.internal.io;

import static io.parley.internal.frame.FrameDescriptor.HEADER_LENGTH;

import io.parley.codec.Codec;
import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameFlags;
import io.parley.internal.frame.FrameKind;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Coalesces outgoing frames into few writes (SPEC §9), written by the senders' own threads: no
 * writer thread, no hand-off. A sender appends its encoded frame to a shared buffer; the first
 * sender that finds no write in progress becomes the flusher and writes the whole buffer, again
 * and again until it is empty, then flushes the transport. Frames appended meanwhile ride along
 * in the flusher's next write, so concurrent senders share syscalls and a lone call costs one
 * write.
 *
 * <p>Large bodies are not copied: a frame whose body is at least {@link #GATHER_THRESHOLD} bytes
 * waits until its sender is the flusher, then goes out as one gathering write of the queued frames
 * and its header straight followed by the body, from the caller's array.
 *
 * <p>Callers use one typed method per frame kind ({@link #request}, {@link #response}, {@link
 * #error}, {@link #progress}, {@link #notification}, {@link #cancel}, {@link #ping}, {@link #pong},
 * {@link #hello}, {@link #goodbye}); every frame header is written by one private function
 * ({@code append}), the only caller of {@link FrameEncoder#writeHeader}.
 *
 * <p>The thread that is decoding input must not block on the transport in the middle of a batch
 * (both directions full would deadlock). The writer enforces that itself: a frame sent from the
 * decoding thread (see {@link ReadRole#isDecodingThread()}) is queued, never written, and the
 * read role calls {@link #flushQueued()} when the batch is done. Other senders wait while the
 * buffer is over its high-water mark: memory stays bounded.
 */
public final class FrameWriter {
    /** Bodies from this size on are written from the sender's array instead of copied. */
    public static final int GATHER_THRESHOLD = 32 * 1024;
    private static final int INITIAL = 64 * 1024;
    private static final int HIGH_WATER = 4 << 20;
    private static final long NO_PREFIX = -1;

    private final Transport transport;
    private final Consumer<IOException> onFailure;
    /** Whether virtual threads may write to the transport (else their frames are flushed by a worker). */
    private final boolean virtualWrites;
    private final FrameEncoder encoder = new FrameEncoder();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    /** Held for the whole of a chunked message: one chunked message at a time (SPEC §5 rule 3). */
    private final ReentrantLock chunkLock = new ReentrantLock();
    private volatile ReadRole role;
    private volatile Executor flushExecutor;
    private byte[] pending = new byte[INITIAL];
    private int pendingLength;
    private byte[] spare = new byte[INITIAL];
    private boolean flushing;
    /** Frames were queued while nobody was flushing (read without the lock by {@link #hasUnflushed()}). */
    private volatile boolean unflushed;
    private IOException failure;
    private volatile long writes;
    private volatile long frames;

    public FrameWriter(Transport transport, Consumer<IOException> onFailure) {
        this.transport = transport;
        this.onFailure = onFailure;
        this.virtualWrites = transport.capabilities().virtualThreadWrites();
    }

    /** Whether this thread must not write to the transport: a virtual thread where that is unsafe. */
    private boolean handOff() {
        return !virtualWrites && flushExecutor != null && Threads.isVirtual(Thread.currentThread());
    }

    /** Runs {@code flush} (the drain) on the flush executor rather than here. */
    private void drainElsewhere() throws IOException {
        try {
            flushExecutor.execute(this::drainQuietly);
        } catch (RejectedExecutionException e) {
            drain(); // closing: write it here
        }
    }

    /**
     * The session's read role (set once, when the session is wired): frames from its decoding
     * thread are queued, and a sender about to block lets it hand reading over first.
     */
    public void readRole(ReadRole r) {
        this.role = r;
    }

    private boolean mustQueue() {
        ReadRole r = role;
        return r != null && r.isDecodingThread();
    }

    // ------------------------------------------------------------------ one method per frame kind (SPEC §4)

    /** REQUEST (SPEC §4.1): meta is {@code timeout_ms} then the method name. */
    public void request(int id, boolean wantProgress, long timeoutMs, byte[] method, Encoded body, int maxFrame)
            throws IOException {
        message(FrameKind.REQUEST, wantProgress ? FrameFlags.WANT_PROGRESS : 0, id, Math.min(timeoutMs, 0xFFFF_FFFFL), method, body, maxFrame);
    }

    /** RESPONSE (SPEC §4.2), chunked when larger than {@code maxFrame}. */
    public void response(int id, Encoded body, int maxFrame) throws IOException {
        message(FrameKind.RESPONSE, 0, id, NO_PREFIX, null, body, maxFrame);
    }

    /** PROGRESS (SPEC §6.3). */
    public void progress(int id, Encoded body, int maxFrame) throws IOException {
        message(FrameKind.PROGRESS, 0, id, NO_PREFIX, null, body, maxFrame);
    }

    /** ERROR (SPEC §7): a JSON body; id 0 is a fatal error of the session. */
    public void error(int id, byte[] json) throws IOException {
        single(FrameKind.ERROR, id, Codec.JSON, json);
    }

    /**
     * NOTIFICATION (SPEC §6.7), without writing on this thread when nobody is writing: the flush
     * goes to another thread, and notifications posted meanwhile ride along (a burst costs a few
     * writes and one wake-up instead of a syscall each). Large or chunked ones are sent directly.
     */
    public void notification(byte[] method, Encoded body, int maxFrame) throws IOException {
        if (body.pieces() != null) {
            sendPieces(FrameKind.NOTIFICATION, 0, 0, NO_PREFIX, method, body, maxFrame);
            return;
        }
        postMessage(FrameKind.NOTIFICATION, 0, 0, method, body.codec(), body.compression(), body.bytes(), maxFrame);
    }

    /** CANCEL (SPEC §6.6). */
    public void cancel(int id) throws IOException {
        single(FrameKind.CANCEL, id, 0, null);
    }

    /** PING (SPEC §8.4). */
    public void ping(int id) throws IOException {
        single(FrameKind.PING, id, 0, null);
    }

    /** PONG (SPEC §8.4): echoes the PING's id and body. */
    public void pong(int id, byte[] body) throws IOException {
        single(FrameKind.PONG, id, 0, body);
    }

    /** HELLO (SPEC §8.2): a JSON body. */
    public void hello(byte[] json) throws IOException {
        single(FrameKind.HELLO, 0, Codec.JSON, json);
    }

    /** GOODBYE (SPEC §8.5): a JSON body. */
    public void goodbye(byte[] json) throws IOException {
        single(FrameKind.GOODBYE, 0, Codec.JSON, json);
    }

    /** One unchunked frame: queued on the decoding thread, else sent. */
    private void single(int kind, int id, int codec, byte[] body) throws IOException {
        int length = body == null ? 0 : body.length;
        if (mustQueue()) {
            queue(kind, 0, id, null, codec, 0, body, 0, length);
        } else {
            send(kind, 0, id, NO_PREFIX, null, codec, 0, body, 0, length);
        }
    }

    // ------------------------------------------------------------------ sending

    /** Where {@link #notification} hands the flush (the session's workers). */
    public void flushExecutor(Executor executor) {
        this.flushExecutor = executor;
    }

    /**
     * Sends a message without writing on this thread when nobody is writing: the flush goes to
     * another thread, and messages posted meanwhile ride along. For notifications, which nobody
     * waits for: a burst of them costs a few writes and one thread wake-up instead of a syscall
     * each; a lone one is delayed by a wake-up. Large or chunked messages are sent directly.
     */
    private void postMessage(int kind, int flags, int id, byte[] meta, int codec, int compression, byte[] body, int maxFrame)
            throws IOException {
        int metaLength = meta == null ? 0 : meta.length;
        int bodyLength = body == null ? 0 : body.length;
        Executor executor = flushExecutor;
        if (executor == null || bodyLength >= GATHER_THRESHOLD || metaLength + bodyLength > maxFrame || mustQueue()) {
            sendMessage(kind, flags, id, NO_PREFIX, meta, codec, compression, body, maxFrame);
            return;
        }
        lock.lock();
        try {
            checkFailure();
            if (flushing && pendingLength > HIGH_WATER) {
                waitWhile(() -> flushing && pendingLength > HIGH_WATER);
            }
            append(kind, flags, id, NO_PREFIX, meta, codec, compression, body, 0, bodyLength, true);
            if (flushing) {
                return;
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        try {
            executor.execute(this::drainQuietly);
        } catch (RejectedExecutionException e) {
            drain(); // closing: write it here
        }
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (IOException e) {
            // recorded as the failure and reported through onFailure
        }
    }

    /** Sends one frame now; may block while the transport is full or the buffer is over its mark. Meta is the u32 {@code metaPrefix} (unless NO_PREFIX) then {@code meta}. */
    private void send(int kind, int flags, int id, long metaPrefix, byte[] meta, int codec, int compression, byte[] body,
            int bodyOffset, int bodyLength) throws IOException {
        if (bodyLength >= GATHER_THRESHOLD) {
            if (handOff()) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                flushExecutor.execute(() -> {
                    try {
                        sendGathering(kind, flags, id, metaPrefix, meta, codec, compression, body, bodyOffset, bodyLength);
                        done.complete(null);
                    } catch (IOException | RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                });
                try {
                    done.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while sending");
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
                return;
            }
            sendGathering(kind, flags, id, metaPrefix, meta, codec, compression, body, bodyOffset, bodyLength);
            return;
        }
        lock.lock();
        try {
            checkFailure();
            if (flushing && pendingLength > HIGH_WATER) {
                waitWhile(() -> flushing && pendingLength > HIGH_WATER);
            }
            append(kind, flags, id, metaPrefix, meta, codec, compression, body, bodyOffset, bodyLength, true);
            if (flushing) {
                return; // the running flusher picks it up
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        drainHereOrElsewhere();
    }

    /**
     * Queues one frame without writing it and without ever blocking: for the thread decoding
     * input. It must call {@link #flushQueued()} before it blocks.
     */
    private void queue(int kind, int flags, int id, byte[] meta, int codec, int compression, byte[] body, int bodyOffset,
            int bodyLength) throws IOException {
        queue(kind, flags, id, NO_PREFIX, meta, codec, compression, body, bodyOffset, bodyLength);
    }

    private void queue(int kind, int flags, int id, long metaPrefix, byte[] meta, int codec, int compression, byte[] body,
            int bodyOffset, int bodyLength) throws IOException {
        lock.lock();
        try {
            checkFailure();
            append(kind, flags, id, metaPrefix, meta, codec, compression, body, bodyOffset, bodyLength, true);
            if (!flushing) {
                unflushed = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether queued frames wait for a flush that nobody is doing. */
    public boolean hasUnflushed() {
        return unflushed;
    }

    /** Writes the queued frames, unless another thread is already writing (it takes them along). */
    public void flushQueued() throws IOException {
        lock.lock();
        try {
            if (flushing || pendingLength == 0 || failure != null) {
                unflushed = false; // a running flusher takes them along
                return;
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        drainHereOrElsewhere();
    }

    /** Runs the drain this thread just claimed ({@code flushing = true}), here or on the flush executor. */
    private void drainHereOrElsewhere() throws IOException {
        if (handOff()) {
            drainElsewhere();
        } else {
            drain();
        }
    }

    /**
     * Sends a message, split into MORE/CONTINUATION frames when its payload exceeds {@code maxFrame}
     * (SPEC §5). Other frames may interleave between the chunks.
     */
    private void sendMessage(int kind, int flags, int id, long metaPrefix, byte[] meta, int codec, int compression, byte[] body,
            int maxFrame) throws IOException {
        int metaLength = (metaPrefix == NO_PREFIX ? 0 : 4) + (meta == null ? 0 : meta.length);
        int bodyLength = body == null ? 0 : body.length;
        if (metaLength + bodyLength <= maxFrame) {
            if (mustQueue()) {
                queue(kind, flags, id, metaPrefix, meta, codec, compression, body, 0, bodyLength);
            } else {
                send(kind, flags, id, metaPrefix, meta, codec, compression, body, 0, bodyLength);
            }
            return;
        }
        sendChunks(kind, flags, id, metaPrefix, meta, codec, compression, List.of(body), bodyLength, maxFrame - metaLength, maxFrame);
    }

    /** The frames of a chunked message (§5), cut by {@link PieceFrames} (a body is one piece); no other message's chunks between them. */
    private void sendChunks(int kind, int flags, int id, long metaPrefix, byte[] meta, int codec, int compression, List<byte[]> pieces,
            long size, int firstRoom, int maxFrame) throws IOException {
        chunkLock.lock();
        try {
            PieceFrames.split(pieces, size, firstRoom, maxFrame, (first, chunk, piece, offset, n) -> {
                if (first) {
                    send(kind, flags | chunk, id, metaPrefix, meta, codec, compression, piece, offset, n);
                } else {
                    send(kind, chunk, id, NO_PREFIX, null, codec, compression, piece, offset, n);
                }
            });
        } finally {
            chunkLock.unlock();
        }
    }

    private void message(int kind, int flags, int id, long metaPrefix, byte[] meta, Encoded body, int maxFrame) throws IOException {
        if (body.pieces() != null) {
            sendPieces(kind, flags, id, metaPrefix, meta, body, maxFrame);
        } else {
            sendMessage(kind, flags, id, metaPrefix, meta, body.codec(), body.compression(), body.bytes(), maxFrame);
        }
    }

    /** Sends a body held as pieces, never joined ({@link PieceFrames}); one that fits in a frame is joined and sent as usual. */
    private void sendPieces(int kind, int flags, int id, long metaPrefix, byte[] meta, Encoded body, int maxFrame)
            throws IOException {
        int metaLength = (metaPrefix == NO_PREFIX ? 0 : 4) + (meta == null ? 0 : meta.length);
        if (metaLength + body.plainLength() <= maxFrame) {
            byte[] whole = PieceFrames.join(body.pieces(), body.plainLength());
            if (kind == FrameKind.NOTIFICATION) {
                postMessage(kind, flags, id, meta, body.codec(), 0, whole, maxFrame);
            } else {
                sendMessage(kind, flags, id, metaPrefix, meta, body.codec(), 0, whole, maxFrame);
            }
            return;
        }
        sendChunks(kind, flags, id, metaPrefix, meta, body.codec(), 0, body.pieces(), body.plainLength(), maxFrame - metaLength, maxFrame);
    }

    /** Becomes the flusher, then writes the queued frames, this header and the body in one go. */
    private void sendGathering(int kind, int flags, int id, long metaPrefix, byte[] meta, int codec, int compression, byte[] body,
            int bodyOffset, int bodyLength) throws IOException {
        byte[] out;
        int n;
        lock.lock();
        try {
            checkFailure();
            if (flushing) {
                waitWhile(() -> flushing);
            }
            checkFailure();
            // the header announces bodyLength bytes: they follow from the caller's array
            append(kind, flags, id, metaPrefix, meta, codec, compression, body, bodyOffset, bodyLength, false);
            flushing = true;
            out = pending;
            n = pendingLength;
            pending = spare != null ? spare : new byte[INITIAL];
            spare = null;
            pendingLength = 0;
            unflushed = false;
        } finally {
            lock.unlock();
        }
        write(out, n, body, bodyOffset, bodyLength);
        drain();
    }

    /** The one header function: encodes a frame at the end of the buffer; {@code copyBody = false} writes the header and meta only. */
    private void append(int kind, int flags, int id, long metaPrefix, byte[] meta, int codec, int compression, byte[] body,
            int bodyOffset, int bodyLength, boolean copyBody) {
        int prefixLength = metaPrefix == NO_PREFIX ? 0 : 4;
        int metaLength = prefixLength + (meta == null ? 0 : meta.length);
        int length = HEADER_LENGTH + metaLength + (copyBody ? bodyLength : 0);
        ensure(length);
        byte[] p = pending;
        encoder.writeHeader(p, pendingLength, kind, flags, id, metaLength, codec, compression, bodyLength);
        int at = pendingLength + HEADER_LENGTH;
        if (prefixLength > 0) {
            p[at] = (byte) (metaPrefix >>> 24);
            p[at + 1] = (byte) (metaPrefix >>> 16);
            p[at + 2] = (byte) (metaPrefix >>> 8);
            p[at + 3] = (byte) metaPrefix;
        }
        if (meta != null && meta.length > 0) {
            System.arraycopy(meta, 0, p, at + prefixLength, meta.length);
        }
        if (copyBody && bodyLength > 0) {
            System.arraycopy(body, bodyOffset, p, at + metaLength, bodyLength);
        }
        pendingLength += length;
        frames++;
    }

    private interface Cond {
        boolean holds();
    }

    /** Waits (lock held) while {@code c} holds; lets the reader hand off reading first. */
    private void waitWhile(Cond c) {
        lock.unlock();
        try {
            ReadRole r = role;
            if (r != null) {
                r.yieldRole();
            }
        } finally {
            lock.lock();
        }
        while (c.holds() && failure == null) {
            drained.awaitUninterruptibly();
        }
    }

    private void checkFailure() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private void ensure(int more) {
        if (pending.length - pendingLength >= more) {
            return;
        }
        long want = Math.max((long) pendingLength + more, 2L * pending.length);
        pending = java.util.Arrays.copyOf(pending, (int) Math.min(want, Integer.MAX_VALUE - 8));
    }

    /** The flusher's loop: writes until nothing is queued, flushes, and stops being the flusher. */
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
                        if (spare == null || spare.length > HIGH_WATER) {
                            spare = new byte[INITIAL];
                        }
                        drained.signalAll();
                        return;
                    }
                    continue;
                }
                out = pending;
                n = pendingLength;
                pending = spare != null && spare.length >= INITIAL ? spare : new byte[INITIAL];
                spare = null;
                pendingLength = 0;
                unflushed = false;
                drained.signalAll();
            } finally {
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            write(out, n, null, 0, 0);
        }
    }

    /** Writes {@code out[0..n)} then the body (if any), as the flusher; recycles {@code out}. */
    private void write(byte[] out, int n, byte[] body, int bodyOffset, int bodyLength) throws IOException {
        boolean interrupted = Thread.interrupted(); // an interrupt would close a blocking socket channel mid-write
        try {
            if (body == null) {
                transport.write(out, 0, n);
            } else {
                transport.write(out, 0, n, body, bodyOffset, bodyLength);
            }
            writes++;
        } catch (IOException | RuntimeException e) {
            IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
            lock.lock();
            try {
                fail(io);
            } finally {
                lock.unlock();
            }
            throw io;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            spare = out.length > HIGH_WATER ? null : out;
        } finally {
            lock.unlock();
        }
    }

    private void fail(IOException e) {
        boolean first = failure == null;
        failure = e;
        flushing = false;
        pendingLength = 0;
        unflushed = false;
        drained.signalAll();
        if (first) {
            onFailure.accept(e);
        }
    }

    /**
     * Writes what is queued, waits for a running flush to finish, then refuses further frames:
     * the session is about to half-close the transport after GOODBYE.
     */
    public void shutdown() {
        try {
            flushQueued();
        } catch (IOException e) {
            // recorded as the failure
        }
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
