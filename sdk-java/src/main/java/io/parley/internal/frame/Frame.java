package io.parley.internal.frame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A decoded frame: a flyweight over the decoder's buffer, valid only during the {@link
 * FrameDecoder.Listener#onFrame} call that receives it. Copy what you keep ({@link #copyMeta()},
 * {@link #copyBody()}).
 */
public final class Frame {
    int kind;
    int flags;
    int id;
    int metaLength;
    int codec;
    int compression;
    int bodyLength;
    byte[] buffer;
    int metaOffset;
    /** The body's array: {@link #buffer} after the meta, or an array of its own (a large body read directly). */
    byte[] bodyBuffer;
    int bodyOffset;
    /** {@link #bodyBuffer} is exactly the body and belongs to this frame: {@link #takeBody()} hands it over. */
    boolean bodyOwned;

    /** The kind byte (§4); may be an unknown kind. */
    public int kind() {
        return kind;
    }

    public int flags() {
        return flags;
    }

    public boolean hasFlag(int mask) {
        return (flags & mask) != 0;
    }

    /** The id as a signed int; ids are u32 on the wire ({@link Integer#toUnsignedLong}). */
    public int id() {
        return id;
    }

    public int metaLength() {
        return metaLength;
    }

    public int codec() {
        return codec;
    }

    public int compression() {
        return compression;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** The array holding the meta (and usually the body); see {@link #metaOffset()}. */
    public byte[] buffer() {
        return buffer;
    }

    public int metaOffset() {
        return metaOffset;
    }

    /** The array holding the body, from {@link #bodyOffset()}: {@link #buffer()}, or the body's own array. */
    public byte[] bodyBuffer() {
        return bodyBuffer;
    }

    public int bodyOffset() {
        return bodyOffset;
    }

    public byte[] copyMeta() {
        return Arrays.copyOfRange(buffer, metaOffset, metaOffset + metaLength);
    }

    public byte[] copyBody() {
        return Arrays.copyOfRange(bodyBuffer, bodyOffset, bodyOffset + bodyLength);
    }

    /**
     * The body as an array of its own: without a copy when it was read straight into one (a large
     * frame), else a copy. Call at most once per frame.
     */
    public byte[] takeBody() {
        if (bodyOwned) {
            bodyOwned = false;
            return bodyBuffer;
        }
        return copyBody();
    }

    /** REQUEST only: the u32 timeout in meta; the caller checks {@code metaLength() >= 4}. */
    public long requestTimeoutMs() {
        return Integer.toUnsignedLong(FrameDescriptor.getInt(buffer, metaOffset));
    }

    @Override
    public String toString() {
        return FrameKind.name(kind) + "{id=" + Integer.toUnsignedString(id) + ", flags=0x" + Integer.toHexString(flags)
                + ", meta=" + metaLength + ", codec=" + codec + ", compression=" + compression + ", body=" + bodyLength + "}";
    }

    /** Whether {@code length} bytes are strict UTF-8 (no allocation for ASCII, the usual method name). */
    public static boolean isStrictUtf8(byte[] b, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (b[i] < 0) {
                return strictUtf8(b, offset, length) != null;
            }
        }
        return true;
    }

    /** Decodes {@code length} bytes of strict UTF-8, or returns {@code null} when malformed. */
    public static String strictUtf8(byte[] b, int offset, int length) {
        boolean ascii = true;
        for (int i = offset, end = offset + length; i < end; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, offset, length, StandardCharsets.ISO_8859_1); // ASCII is valid UTF-8 (method names usually are)
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(b, offset, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
