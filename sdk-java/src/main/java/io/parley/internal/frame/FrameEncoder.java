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
import static io.parley.internal.frame.FrameDescriptor.MAGIC_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.MAX_META_LENGTH;
import static io.parley.internal.frame.FrameDescriptor.META_LENGTH_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.VERSION;
import static io.parley.internal.frame.FrameDescriptor.VERSION_OFFSET;
import static io.parley.internal.frame.FrameDescriptor.putInt;
import static io.parley.internal.frame.FrameDescriptor.putShort;

import java.util.zip.CRC32C;

/** Writes frames (SPEC §3.1) into caller-supplied arrays. Not thread-safe (it owns a CRC32C). */
public final class FrameEncoder {
    private final CRC32C crc = new CRC32C();

    /** Writes the 24-byte header, checksum included, at {@code dst[offset]}. */
    public void writeHeader(byte[] dst, int offset, int kind, int flags, int id, int metaLength, int codec,
            int compression, int bodyLength) {
        if (metaLength < 0 || metaLength > MAX_META_LENGTH) {
            throw new IllegalArgumentException("meta length " + metaLength + " outside 0..65535");
        }
        putInt(dst, offset + MAGIC_OFFSET, MAGIC);
        dst[offset + VERSION_OFFSET] = (byte) VERSION;
        dst[offset + KIND_OFFSET] = (byte) kind;
        putShort(dst, offset + FLAGS_OFFSET, flags);
        putInt(dst, offset + ID_OFFSET, id);
        putShort(dst, offset + META_LENGTH_OFFSET, metaLength);
        dst[offset + CODEC_OFFSET] = (byte) codec;
        dst[offset + COMPRESSION_OFFSET] = (byte) compression;
        putInt(dst, offset + BODY_LENGTH_OFFSET, bodyLength);
        putInt(dst, offset + HEADER_CRC_OFFSET, FrameDescriptor.headerCrc(crc, dst, offset));
    }

    /** Encodes one complete frame into a new array. */
    public byte[] encode(int kind, int flags, int id, byte[] meta, int codec, int compression, byte[] body) {
        int metaLength = meta == null ? 0 : meta.length;
        int bodyLength = body == null ? 0 : body.length;
        byte[] out = new byte[HEADER_LENGTH + metaLength + bodyLength];
        writeHeader(out, 0, kind, flags, id, metaLength, codec, compression, bodyLength);
        if (metaLength > 0) {
            System.arraycopy(meta, 0, out, HEADER_LENGTH, metaLength);
        }
        if (bodyLength > 0) {
            System.arraycopy(body, 0, out, HEADER_LENGTH + metaLength, bodyLength);
        }
        return out;
    }

    /** REQUEST meta (§4.1): timeout_ms (u32) followed by the method bytes. */
    public static byte[] requestMeta(long timeoutMs, byte[] method) {
        byte[] meta = new byte[FrameDescriptor.REQUEST_TIMEOUT_LENGTH + method.length];
        putInt(meta, 0, (int) Math.min(timeoutMs, 0xFFFF_FFFFL));
        System.arraycopy(method, 0, meta, FrameDescriptor.REQUEST_TIMEOUT_LENGTH, method.length);
        return meta;
    }
}
