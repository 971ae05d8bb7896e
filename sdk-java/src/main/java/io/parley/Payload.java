package io.parley;

import io.parley.codec.Codec;
import io.parley.codec.CodecException;
import io.parley.codec.RawCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An undecoded body and the codec it is in. Ask a handler (or a call) for {@code Payload.class} to
 * get the body as sent; return one to answer with exactly these bytes in this codec (an echo keeps
 * the codec).
 *
 * <p><b>Pieces.</b> A large body can stay in pieces, never joined into one array: a RAW-codec,
 * uncompressed body that arrived chunked (SPEC §5, frames of at most the receiver's max_frame) is
 * delivered as a payload of its frames' bodies, in order ({@link #pieces()}, no copy), and a payload
 * made with {@link #ofPieces(List)} is sent piece by piece, each piece as (part of) frames without
 * concatenating. The wire is unchanged: the receiver cannot tell pieces from one array, and no SPEC
 * change is involved. {@link #bytes()} still works on any payload: it joins the pieces once, lazily.
 * A payload of pieces is sent uncompressed.
 */
public final class Payload {
    private final Codec codec;
    private final long size;
    /** Null until joined (for a payload of pieces). */
    private volatile byte[] bytes;
    /** Null for a contiguous payload. */
    private volatile List<byte[]> pieces;

    public Payload(Codec codec, byte[] bytes) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.size = bytes.length;
    }

    private Payload(Codec codec, List<byte[]> pieces, long size) {
        this.codec = codec;
        this.pieces = pieces;
        this.size = size;
    }

    public static Payload raw(byte[] bytes) {
        return new Payload(RawCodec.INSTANCE, bytes);
    }

    /**
     * A RAW-codec payload made of {@code pieces}, in order, kept as they are (the arrays are not
     * copied: do not change them until the message is sent). Empty pieces are allowed and skipped.
     */
    public static Payload ofPieces(List<byte[]> pieces) {
        return ofPieces(RawCodec.INSTANCE, pieces);
    }

    /** A payload in {@code codec} made of {@code pieces} (see {@link #ofPieces(List)}). */
    public static Payload ofPieces(Codec codec, List<byte[]> pieces) {
        Objects.requireNonNull(codec, "codec");
        List<byte[]> copy = new ArrayList<>(pieces.size());
        long size = 0;
        for (byte[] p : pieces) {
            copy.add(Objects.requireNonNull(p, "a piece is null"));
            size += p.length;
        }
        return new Payload(codec, Collections.unmodifiableList(copy), size);
    }

    public Codec codec() {
        return codec;
    }

    /** The body's length in bytes (without joining pieces). */
    public long size() {
        return size;
    }

    /** Whether the body is held as several pieces (not yet joined by {@link #bytes()}). */
    public boolean isPieces() {
        return pieces != null;
    }

    /**
     * The body as its pieces, in order, not copied: the received frames' bodies (or the list given
     * to {@link #ofPieces}); a contiguous payload is one piece (none when empty).
     */
    public List<byte[]> pieces() {
        List<byte[]> p = pieces;
        if (p != null) {
            return p;
        }
        byte[] b = bytes;
        return b.length == 0 ? List.of() : List.of(b);
    }

    /**
     * The body bytes (not copied). A payload of pieces is joined here, once (the pieces are then
     * dropped: {@link #pieces()} returns the joined array).
     *
     * @throws IllegalStateException the body is too large for one Java array
     */
    public byte[] bytes() {
        byte[] b = bytes;
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (bytes == null) {
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("a body of " + size + " bytes does not fit in one byte[]: use pieces() or writeTo()");
                }
                byte[] whole = new byte[(int) size];
                int at = 0;
                for (byte[] piece : pieces) {
                    System.arraycopy(piece, 0, whole, at, piece.length);
                    at += piece.length;
                }
                bytes = whole;
                pieces = null;
            }
            return bytes;
        }
    }

    /** Writes the body to {@code out}, piece by piece (nothing is joined); does not flush or close it. */
    public void writeTo(OutputStream out) throws IOException {
        for (byte[] piece : pieces()) {
            out.write(piece);
        }
    }

    /** Decodes the body as {@code type} (joins pieces). */
    public <T> T as(Class<T> type) {
        return type.cast(decode(type));
    }

    @SuppressWarnings("unchecked")
    public <T> T as(TypeRef<T> type) {
        return (T) decode(type.type());
    }

    private Object decode(Type type) {
        if (size == 0) {
            return null;
        }
        try {
            return codec.decode(bytes(), type);
        } catch (CodecException e) {
            throw new ParleyException(e.isMalformed() ? ErrorCode.PARSE_ERROR : ErrorCode.INVALID_PARAMS, e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        List<byte[]> p = pieces;
        return "Payload{" + codec.name() + ", " + size + " bytes" + (p != null ? " in " + p.size() + " pieces" : "") + "}";
    }
}
