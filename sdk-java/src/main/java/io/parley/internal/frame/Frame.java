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

    /** The array holding meta and body; see {@link #metaOffset()} and {@link #bodyOffset()}. */
    public byte[] buffer() {
        return buffer;
    }

    public int metaOffset() {
        return metaOffset;
    }

    public int bodyOffset() {
        return metaOffset + metaLength;
    }

    public byte[] copyMeta() {
        return Arrays.copyOfRange(buffer, metaOffset, metaOffset + metaLength);
    }

    public byte[] copyBody() {
        return Arrays.copyOfRange(buffer, bodyOffset(), bodyOffset() + bodyLength);
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

    /** Decodes {@code length} bytes of strict UTF-8, or returns {@code null} when malformed. */
    public static String strictUtf8(byte[] b, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(b, offset, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
