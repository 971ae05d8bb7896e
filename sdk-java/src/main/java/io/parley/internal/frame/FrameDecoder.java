package io.parley.internal.frame;

import static io.parley.internal.frame.FrameDescriptor.BODY_LENGTH_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.CODEC_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.COMPRESSION_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.FLAGS_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.HEADER_CRC_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.HEADER_LENGTH;
import static io.parley.internal.frame.FrameDescriptor.ID_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.KIND_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.MAGIC;
import static io.parley.internal.frame.FrameDescriptor.MAGIC_0;
import static io.parley.internal.frame.FrameDescriptor.META_LENGTH_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.VERSION;
import static io.parley.internal.frame.FrameDescriptor.VERSION_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.getInt;
import static io.parley.internal.frame.FrameDescriptor.getShort;

import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Stream decoder of SPEC §3.5: finds frames in input split at arbitrary points, skips and reports
 * stray bytes (§3.6), and checks version and length before waiting for (or allocating) a payload.
 *
 * <p>Not thread-safe: one reader feeds it. Frames and stray bytes go to a {@link Listener} as
 * views valid only during the call. Input that arrives while nothing is buffered is parsed in
 * place, so a read holding whole frames costs no copy.
 *
 * <p>Errors: {@link UnsupportedVersionException}, {@link FrameTooLongException}, {@link
 * CorruptFrameException} (stray limit) and, at end of input, {@link TruncatedFrameException}. All
 * are fatal: the decoder drops its buffer, remembers the error and rethrows it on further input.
 */
public final class FrameDecoder {
    /** Receives the decoder's output. Arguments are views: copy what you keep. */
    public interface Listener {
        /** A complete frame whose header checksum verified. */
        void onFrame(Frame frame);

        /** Bytes skipped while looking for a frame; a run of stray bytes may arrive in pieces. */
        void onStray(byte[] bytes, int offset, int length);
    }

    private static final int INITIAL_CAPACITY = 64 * 1024;
    private static final int SHRINK_ABOVE = 4 << 20;
    /** Payloads from this size on may be read straight into place: see {@link #prepareDirectRead()}. */
    public static final int DIRECT_THRESHOLD = 64 * 1024;

    private final CRC32C crc = new CRC32C();
    private final Frame frame = new Frame();
    private final long maxStray;
    private int maxFrame;

    private byte[] buffer = new byte[INITIAL_CAPACITY];
    private int start;
    private int end;
    /** Parse position in the array being parsed (the buffer, or the caller's array in place). */
    private int cursor;
    /** The header at {@link #cursor} passed §3.5 steps 1–5; {@link #pendingPayload} is its length. */
    private boolean headerVerified;
    private int pendingPayload;
    /** Direct mode: the body of the frame in progress, read straight into its own exact array. */
    private byte[] directBody;
    private int directFilled;
    /** The read target set by {@link #prepareDirectRead()}. */
    private byte[] target;
    private int targetOffset;
    private int targetLength;
    private long strayRun;
    private long strayTotal;
    private long framesDecoded;
    private FrameException failure;

    /**
     * @param maxFrame largest payload ({@code meta_len + body_len}) accepted
     * @param maxStray stray bytes tolerated between two verified headers (§3.6)
     */
    public FrameDecoder(int maxFrame, long maxStray) {
        if (maxFrame < 0) {
            throw new IllegalArgumentException("maxFrame must be >= 0: " + maxFrame);
        }
        if (maxStray < 0) {
            throw new IllegalArgumentException("maxStray must be >= 0: " + maxStray);
        }
        this.maxFrame = maxFrame;
        this.maxStray = maxStray;
    }

    /** Changes the payload limit, e.g. from the 64 KiB handshake limit to the announced one. */
    public void maxFrame(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    public int maxFrame() {
        return maxFrame;
    }

    /** Stray bytes skipped since this decoder was created. */
    public long strayTotal() {
        return strayTotal;
    }

    public long framesDecoded() {
        return framesDecoded;
    }

    /** Whether a verified header waits for the rest of its payload (SPEC §3.5, stalled frame). */
    public boolean insideFrame() {
        return headerVerified && failure == null;
    }

    /** Bytes held waiting for the rest of a frame (or of a magic). */
    public int buffered() {
        return end - start + directFilled;
    }

    // ------------------------------------------------------------------ reading large payloads in place

    /**
     * For a reader that can read into any array: when a large frame's payload is arriving, says
     * where the next read should go, so the payload is not copied from a read buffer into this
     * decoder's buffer and then again into the message. Returns false when input should go
     * through {@link #feed}; else the caller reads at most {@link #targetLength()} bytes into
     * {@link #target()} at {@link #targetOffset()} and reports them with {@link #filled}.
     *
     * <p>The payload goes into this decoder's buffer, which grows at most to twice what was
     * received (SPEC §3.2: memory grows with the bytes received, never with a declared length).
     * Once at least half of the body has arrived, the body moves into an array of exactly its
     * length (allocated then: at most twice the bytes received) and the rest is read straight into
     * it; the frame then hands that array over without a copy ({@link Frame#takeBody()}).
     */
    public boolean prepareDirectRead() {
        if (failure != null || !headerVerified || pendingPayload < DIRECT_THRESHOLD) {
            return false;
        }
        if (directBody == null) {
            int metaLength = getShort(buffer, start + META_LENGTH_OFFSET);
            int bodyLength = pendingPayload - metaLength;
            int received = end - start - HEADER_LENGTH;
            if (received >= metaLength && bodyLength > 0 && 2L * received >= bodyLength) {
                int got = received - metaLength;
                directBody = new byte[bodyLength];
                System.arraycopy(buffer, start + HEADER_LENGTH + metaLength, directBody, 0, got);
                directFilled = got;
                end = start + HEADER_LENGTH + metaLength; // the buffer keeps header and meta only
            } else {
                int frameLength = HEADER_LENGTH + pendingPayload;
                int held = end - start;
                if (buffer.length - end < DIRECT_THRESHOLD && start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, held);
                    start = 0;
                    end = held;
                }
                if (buffer.length - end < DIRECT_THRESHOLD && buffer.length < frameLength) {
                    // grows with what arrived: at most doubling, never to the declared length at once
                    int capacity = (int) Math.min(frameLength, Math.max(2L * held, (long) end + DIRECT_THRESHOLD));
                    buffer = Arrays.copyOf(buffer, capacity);
                }
                target = buffer;
                targetOffset = end;
                targetLength = Math.min(buffer.length, start + frameLength) - end;
                return targetLength > 0;
            }
        }
        target = directBody;
        targetOffset = directFilled;
        targetLength = directBody.length - directFilled;
        return true;
    }

    public byte[] target() {
        return target;
    }

    public int targetOffset() {
        return targetOffset;
    }

    public int targetLength() {
        return targetLength;
    }

    /** {@code n} bytes were read into the {@link #prepareDirectRead() target}: emits the frame when complete. */
    public void filled(int n, Listener listener) {
        if (failure != null) {
            throw failure;
        }
        target = null;
        if (directBody != null) {
            directFilled += n;
            if (directFilled == directBody.length) {
                emitDirect(listener);
            }
            return;
        }
        end += n;
        cursor = start;
        try {
            parse(buffer, end, listener);
        } finally {
            if (failure == null) {
                start = cursor;
                if (start == end) {
                    start = 0;
                    end = 0;
                    if (buffer.length > SHRINK_ABOVE) {
                        buffer = new byte[INITIAL_CAPACITY];
                    }
                }
            }
        }
    }

    private void emitDirect(Listener listener) {
        int p = start;
        Frame f = frame;
        readHeader(f, buffer, p);
        f.bodyBuffer = directBody;
        f.bodyOffset = 0;
        f.bodyOwned = true;
        directBody = null;
        directFilled = 0;
        headerVerified = false;
        start = 0; // only this frame's header and meta were held: consumed
        end = 0;
        framesDecoded++;
        listener.onFrame(f);
    }

    private static void readHeader(Frame f, byte[] a, int p) {
        f.kind = a[p + KIND_OFFSET] & 0xFF;
        f.flags = getShort(a, p + FLAGS_OFFSET);
        f.id = getInt(a, p + ID_OFFSET);
        f.metaLength = getShort(a, p + META_LENGTH_OFFSET);
        f.codec = a[p + CODEC_OFFSET] & 0xFF;
        f.compression = a[p + COMPRESSION_OFFSET] & 0xFF;
        f.bodyLength = getInt(a, p + BODY_LENGTH_OFFSET);
        f.buffer = a;
        f.metaOffset = p + HEADER_LENGTH;
    }

    /** Feeds input; emits every frame and stray run it completes. */
    public void feed(byte[] src, int offset, int length, Listener listener) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (failure != null) {
            throw failure;
        }
        if (start == end) {
            // Nothing buffered: parse the caller's array in place and keep only the remainder.
            cursor = offset;
            int limit = offset + length;
            try {
                parse(src, limit, listener);
            } finally {
                if (failure == null && cursor < limit) {
                    start = 0;
                    end = 0;
                    append(src, cursor, limit - cursor);
                }
            }
        } else {
            append(src, offset, length);
            cursor = start;
            try {
                parse(buffer, end, listener);
            } finally {
                if (failure == null) {
                    start = cursor;
                    if (start == end) {
                        start = 0;
                        end = 0;
                        if (buffer.length > SHRINK_ABOVE) {
                            buffer = new byte[INITIAL_CAPACITY];
                        }
                    }
                }
            }
        }
    }

    /**
     * The input has ended. Buffered bytes are a truncated frame if a verified header started them
     * ({@link TruncatedFrameException}), else stray bytes, reported.
     */
    public void endOfInput(Listener listener) {
        if (failure != null) {
            throw failure;
        }
        if (start == end && directBody == null) {
            return;
        }
        if (headerVerified) {
            int have = end - start - HEADER_LENGTH + directFilled;
            throw fail(new TruncatedFrameException("input ended inside a frame: " + have + " of "
                    + pendingPayload + " payload bytes received"));
        }
        int s = start;
        int n = end - start;
        start = 0;
        end = 0;
        stray(buffer, s, n, listener);
    }

    private void parse(byte[] a, int limit, Listener listener) {
        while (cursor < limit) {
            int p = cursor;
            if (!headerVerified) {
                int m = findMagic(a, p, limit);
                if (m > p) {
                    stray(a, p, m - p, listener);
                    cursor = m;
                    p = m;
                }
                if (limit - p < HEADER_LENGTH) {
                    return;
                }
                if (FrameDescriptor.headerCrc(crc, a, p) != getInt(a, p + HEADER_CRC_OFFSET)) {
                    // Binary noise that happens to contain the magic: its first byte is stray.
                    cursor = p + 1;
                    stray(a, p, 1, listener);
                    continue;
                }
                strayRun = 0;
                int version = a[p + VERSION_OFFSET] & 0xFF;
                if (version != VERSION) {
                    cursor = p + HEADER_LENGTH;
                    throw fail(new UnsupportedVersionException("frame version " + version
                            + " is not supported (this peer speaks version " + VERSION + ")"));
                }
                long payload = getShort(a, p + META_LENGTH_OFFSET)
                        + Integer.toUnsignedLong(getInt(a, p + BODY_LENGTH_OFFSET));
                if (payload > maxFrame) {
                    cursor = p + HEADER_LENGTH;
                    throw fail(new FrameTooLongException("frame payload of " + payload
                            + " bytes exceeds max_frame " + maxFrame + " (kind " + (a[p + KIND_OFFSET] & 0xFF) + ")"));
                }
                headerVerified = true;
                pendingPayload = (int) payload;
            }
            int frameLength = HEADER_LENGTH + pendingPayload;
            if (limit - p < frameLength) {
                return;
            }
            Frame f = frame;
            readHeader(f, a, p);
            f.bodyBuffer = a;
            f.bodyOffset = f.metaOffset + f.metaLength;
            f.bodyOwned = false;
            headerVerified = false;
            cursor = p + frameLength;
            framesDecoded++;
            listener.onFrame(f);
        }
    }

    /**
     * Index of the first full magic in {@code [from, limit)}, or of a trailing 1–3-byte magic
     * prefix, or {@code limit} when neither exists (everything is stray).
     */
    private static int findMagic(byte[] a, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (a[i] != MAGIC_0) {
                continue;
            }
            int n = Math.min(4, limit - i);
            boolean match = true;
            for (int k = 1; k < n; k++) {
                if (a[i + k] != (byte) (MAGIC >>> (24 - 8 * k))) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return i;
            }
        }
        return limit;
    }

    private void stray(byte[] a, int offset, int length, Listener listener) {
        long allowed = maxStray - strayRun;
        if (length > allowed) {
            int reported = (int) Math.min(length, allowed + 1);
            strayRun += reported;
            strayTotal += reported;
            listener.onStray(a, offset, reported);
            throw fail(new CorruptFrameException("stray limit exceeded: more than " + maxStray
                    + " bytes without a verified frame header; the peer is not speaking Parley on this stream"));
        }
        strayRun += length;
        strayTotal += length;
        listener.onStray(a, offset, length);
    }

    private void append(byte[] src, int offset, int length) {
        if (buffer.length - end < length) {
            int held = end - start;
            if (buffer.length - held >= length && start > 0) {
                System.arraycopy(buffer, start, buffer, 0, held);
            } else {
                // Grows with bytes received, never with a declared length (§3.2).
                int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) held + length, 2L * buffer.length));
                byte[] bigger = new byte[capacity];
                System.arraycopy(buffer, start, bigger, 0, held);
                buffer = bigger;
            }
            start = 0;
            end = held;
        }
        System.arraycopy(src, offset, buffer, end, length);
        end += length;
    }

    private FrameException fail(FrameException e) {
        failure = e;
        start = 0;
        end = 0;
        directBody = null;
        directFilled = 0;
        headerVerified = false;
        buffer = new byte[0];
        return e;
    }
}
