package io.parley.internal.frame;

import java.util.List;

/**
 * A complete message (SPEC §5): one frame, or several frames reassembled. {@code flags} are the
 * first frame's flags without MORE and CONTINUATION; {@code meta} and the body are owned copies.
 *
 * <p>The body is one array, or (a chunked RAW-codec, uncompressed message, see {@link
 * MessageAssembler}) the frames' bodies as pieces, in order: {@link #body()} joins them once, on
 * first use; {@link #pieces()} hands them over without a copy.
 */
public final class Message {
    private final int kind;
    private final int id;
    private final int flags;
    private final int codec;
    private final int compression;
    private final byte[] meta;
    private final long bodyLength;
    /** The body when it is one array (final: safely published, read on every message without a lock). */
    private final byte[] whole;
    /** A message of pieces: the pieces until joined, then the joined array (guarded by {@code this}). */
    private List<byte[]> pieces;
    private byte[] joined;

    public Message(int kind, int id, int flags, int codec, int compression, byte[] meta, byte[] body) {
        this.kind = kind;
        this.id = id;
        this.flags = flags;
        this.codec = codec;
        this.compression = compression;
        this.meta = meta;
        this.whole = body;
        this.bodyLength = body.length;
    }

    /** A message whose body is {@code pieces} (each non-empty), {@code bodyLength} bytes in all. */
    public Message(int kind, int id, int flags, int codec, int compression, byte[] meta, List<byte[]> pieces, long bodyLength) {
        this.kind = kind;
        this.id = id;
        this.flags = flags;
        this.codec = codec;
        this.compression = compression;
        this.meta = meta;
        this.whole = null;
        this.pieces = List.copyOf(pieces);
        this.bodyLength = bodyLength;
    }

    public int kind() {
        return kind;
    }

    public int id() {
        return id;
    }

    public int flags() {
        return flags;
    }

    public int codec() {
        return codec;
    }

    public int compression() {
        return compression;
    }

    public byte[] meta() {
        return meta;
    }

    /** The body's length, without joining pieces. */
    public long bodyLength() {
        return bodyLength;
    }

    /** Whether the body is held as pieces (not joined yet). */
    public boolean hasPieces() {
        if (whole != null) {
            return false;
        }
        synchronized (this) {
            return pieces != null;
        }
    }

    /** The body's pieces in order, not copied (one piece, or none, for a contiguous body). */
    public List<byte[]> pieces() {
        if (whole != null) {
            return whole.length == 0 ? List.of() : List.of(whole);
        }
        synchronized (this) {
            return pieces != null ? pieces : List.of(joined);
        }
    }

    /** The body as one array: joined from the pieces on the first call (then the pieces are dropped). */
    public byte[] body() {
        return whole != null ? whole : join();
    }

    private synchronized byte[] join() {
        if (joined == null) {
            if (bodyLength > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a body of " + bodyLength + " bytes does not fit in one array");
            }
            byte[] b = new byte[(int) bodyLength];
            int at = 0;
            for (byte[] p : pieces) {
                System.arraycopy(p, 0, b, at, p.length);
                at += p.length;
            }
            joined = b;
            pieces = null;
        }
        return joined;
    }

    public boolean hasFlag(int mask) {
        return (flags & mask) != 0;
    }

    /** REQUEST: the timeout in meta (already validated by {@link FrameValidator}). */
    public long timeoutMs() {
        return Integer.toUnsignedLong(FrameDescriptor.getInt(meta, 0));
    }

    /** REQUEST or NOTIFICATION: the method name. */
    public String method() {
        int from = kind == FrameKind.REQUEST ? FrameDescriptor.REQUEST_TIMEOUT_LENGTH : 0;
        return new String(meta, from, meta.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return FrameKind.name(kind) + "{id=" + Integer.toUnsignedString(id) + ", flags=0x" + Integer.toHexString(flags)
                + ", codec=" + codec + ", compression=" + compression + ", meta=" + meta.length + ", body=" + bodyLength + "}";
    }
}
