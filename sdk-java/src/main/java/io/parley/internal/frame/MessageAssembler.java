package io.parley.internal.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reassembles chunked messages (SPEC §5) from frames that passed {@link FrameValidator}: at most
 * one message in progress, single-frame messages and control frames interleaved freely. Memory
 * grows with the bytes received, up to {@code max_message}. Not thread-safe.
 *
 * <p>A chunked message in the RAW codec (SPEC §10.1), uncompressed, whose receiver takes pieces
 * ({@link PiecesPolicy}: a handler or call that asked for a {@code Payload}) is kept as pieces: each frame's
 * body as it was read (a large frame's own array, {@link Frame#takeBody()}: no copy), never joined
 * here; frames under {@link #SMALL_PIECE} bytes are gathered into pieces of that size, so that many
 * tiny frames cost no more than their bytes. Other chunked messages are joined into one array (a
 * compressed body must be whole to decompress, a JSON one to parse).
 */
public final class MessageAssembler {
    /** Receives complete messages and the non-fatal rejections. */
    public interface Listener {
        void onMessage(Message message);

        /** A REQUEST with malformed meta; its other frames are skipped. Answer INVALID_REQUEST. */
        void onInvalidRequest(int id, String reason);

        /** A NOTIFICATION with a malformed method; it is dropped. */
        void onInvalidNotification(String reason);
    }

    /** Decides, on the first frame of a chunked RAW uncompressed message, whether it is kept as pieces. */
    public interface PiecesPolicy {
        /** Whether the receiver of this message takes its body as pieces ({@code meta}: the first frame's). */
        boolean keepPieces(int kind, int id, byte[] meta);
    }

    private final long maxMessage;
    private PiecesPolicy piecesPolicy;
    private boolean inProgress;
    private boolean discarding;
    private int kind;
    private int id;
    private int flags;
    private int codec;
    private int compression;
    private byte[] meta;
    private byte[] body = new byte[0];
    private int bodyLength;
    /** Non-null while a message is kept as pieces. */
    private List<byte[]> pieces;
    private byte[] tail;
    private int tailLength;

    /** Frames with a body under this size are gathered into pieces of this size. */
    public static final int SMALL_PIECE = 64 * 1024;

    public MessageAssembler(long maxMessage) {
        this.maxMessage = maxMessage;
    }

    /** Who decides which chunked RAW messages stay in pieces; none (the default): every message is joined. */
    public void piecesPolicy(PiecesPolicy policy) {
        this.piecesPolicy = policy;
    }

    /** Whether a chunked message is being reassembled. */
    public boolean inProgress() {
        return inProgress;
    }

    public void add(Frame f, FrameValidator.Verdict verdict, Listener listener) {
        if (verdict == FrameValidator.Verdict.SKIP_UNKNOWN_KIND) {
            return;
        }
        int k = f.kind();
        boolean more = f.hasFlag(FrameFlags.MORE);
        boolean continuation = f.hasFlag(FrameFlags.CONTINUATION);
        if (!continuation) {
            if (more && inProgress) {
                throw new ProtocolViolationException("a new chunked " + FrameKind.name(k) + " (id " + Integer.toUnsignedString(f.id())
                        + ") started while " + FrameKind.name(kind) + " id " + Integer.toUnsignedString(id) + " is still being reassembled");
            }
            checkSize(f.bodyLength());
            if (verdict == FrameValidator.Verdict.INVALID_REQUEST) {
                begin(f, more, true);
                listener.onInvalidRequest(f.id(), FrameValidator.invalidRequestReason(f));
                return;
            }
            if (verdict == FrameValidator.Verdict.INVALID_NOTIFICATION) {
                begin(f, more, true);
                listener.onInvalidNotification("NOTIFICATION method must be 1..255 bytes of UTF-8 (meta_len " + f.metaLength() + ")");
                return;
            }
            if (!more) {
                listener.onMessage(new Message(k, f.id(), f.flags() & ~(FrameFlags.MORE | FrameFlags.CONTINUATION),
                        f.codec(), f.compression(), copy(f.buffer(), f.metaOffset(), f.metaLength()),
                        f.bodyLength() == 0 ? EMPTY : f.takeBody()));
                return;
            }
            begin(f, true, false);
            append(f, false);
            return;
        }
        if (!inProgress) {
            throw new ProtocolViolationException("CONTINUATION " + FrameKind.name(k) + " (id " + Integer.toUnsignedString(f.id())
                    + ") without a chunked message in progress");
        }
        if (k != kind || f.id() != id) {
            throw new ProtocolViolationException("CONTINUATION " + FrameKind.name(k) + " id " + Integer.toUnsignedString(f.id())
                    + " does not match the message in progress, " + FrameKind.name(kind) + " id " + Integer.toUnsignedString(id));
        }
        if (f.codec() != codec && f.bodyLength() > 0 || f.compression() != compression && f.bodyLength() > 0) {
            throw new ProtocolViolationException("CONTINUATION changes codec/compression of " + FrameKind.name(kind) + " id "
                    + Integer.toUnsignedString(id));
        }
        checkSize((long) bodyLength + f.bodyLength());
        if (discarding) {
            bodyLength += f.bodyLength();
        } else {
            append(f, !more);
        }
        if (!more) {
            boolean deliver = !discarding;
            Message m = null;
            if (deliver && pieces != null) {
                flushTail();
                m = pieces.isEmpty() ? new Message(kind, id, flags, codec, compression, meta, EMPTY)
                        : new Message(kind, id, flags, codec, compression, meta, pieces, bodyLength);
            } else if (deliver) {
                byte[] whole;
                if (body.length == bodyLength) {
                    whole = body; // grown to exactly the message: hand it over
                    body = EMPTY;
                } else {
                    whole = Arrays.copyOf(body, bodyLength);
                }
                m = new Message(kind, id, flags, codec, compression, meta, whole);
            }
            reset();
            if (deliver) {
                listener.onMessage(m);
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private static byte[] copy(byte[] a, int offset, int length) {
        return length == 0 ? EMPTY : Arrays.copyOfRange(a, offset, offset + length);
    }

    private void begin(Frame f, boolean more, boolean discard) {
        if (!more) {
            return;
        }
        inProgress = true;
        discarding = discard;
        kind = f.kind();
        id = f.id();
        flags = f.flags() & ~(FrameFlags.MORE | FrameFlags.CONTINUATION);
        codec = f.codec();
        compression = f.compression();
        meta = f.copyMeta();
        bodyLength = discard ? f.bodyLength() : 0;
        PiecesPolicy policy = piecesPolicy;
        pieces = !discard && codec == 0 && compression == 0 && policy != null && policy.keepPieces(kind, id, meta)
                ? new ArrayList<>() : null;
    }

    /** Adds a frame's body; {@code last}: no more frames follow, so grow to exactly the message length. */
    private void append(Frame f, boolean last) {
        int n = f.bodyLength();
        if (n == 0) {
            return;
        }
        if (pieces != null) {
            appendPiece(f, n);
            return;
        }
        if (bodyLength == 0 && body.length < n) {
            body = f.takeBody(); // the first chunk: adopt the array it was read into (a copy only if it had none)
            bodyLength = n;
            return;
        }
        if (body.length - bodyLength < n) {
            long want = last ? (long) bodyLength + n : Math.max((long) bodyLength + n, Math.min(2L * body.length, maxMessage));
            body = Arrays.copyOf(body, (int) Math.min(want, Integer.MAX_VALUE - 8));
        }
        System.arraycopy(f.bodyBuffer(), f.bodyOffset(), body, bodyLength, n);
        bodyLength += n;
    }

    /** Keeps a frame's body as a piece (a small one is gathered with its neighbours). */
    private void appendPiece(Frame f, int n) {
        bodyLength += n;
        if (n >= SMALL_PIECE) {
            flushTail();
            pieces.add(f.takeBody());
            return;
        }
        byte[] src = f.bodyBuffer();
        int at = f.bodyOffset();
        while (n > 0) {
            if (tail == null || tail.length == tailLength) {
                // grows with the bytes received (doubling), up to SMALL_PIECE
                int capacity = (int) Math.min(SMALL_PIECE, Math.max(2L * tailLength, Math.max(n, 4096)));
                tail = tail == null ? new byte[capacity] : Arrays.copyOf(tail, capacity);
            }
            int k = Math.min(n, tail.length - tailLength);
            System.arraycopy(src, at, tail, tailLength, k);
            tailLength += k;
            at += k;
            n -= k;
            if (tailLength == SMALL_PIECE) {
                flushTail();
            }
        }
    }

    private void flushTail() {
        if (tailLength > 0) {
            pieces.add(tailLength == tail.length ? tail : Arrays.copyOf(tail, tailLength));
        }
        tail = null;
        tailLength = 0;
    }

    private void checkSize(long total) {
        if (total > maxMessage) {
            reset();
            throw new MessageTooLongException("message body of at least " + total + " bytes exceeds max_message " + maxMessage);
        }
    }

    private void reset() {
        inProgress = false;
        discarding = false;
        meta = null;
        bodyLength = 0;
        pieces = null;
        tail = null;
        tailLength = 0;
        if (body.length > (1 << 20)) {
            body = EMPTY;
        }
    }
}
