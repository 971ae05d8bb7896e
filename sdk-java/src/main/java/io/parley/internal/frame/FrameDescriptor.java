package io.parley.internal.frame;

import java.util.zip.CRC32C;

/**
 * Layout of a Parley frame (SPEC §3.1): offsets, lengths and limits, nothing else.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     magic = 0xFA50524C                        |  0
 * +---------------+---------------+-------------------------------+
 * |  version = 1  |     kind      |             flags             |  4
 * +---------------+---------------+-------------------------------+
 * |                              id                               |  8
 * +-------------------------------+---------------+---------------+
 * |           meta_len            |     codec     |  compression  | 12
 * +-------------------------------+---------------+---------------+
 * |                           body_len                            | 16
 * +---------------------------------------------------------------+
 * |              header_crc = CRC32C(bytes 0..19)                 | 20
 * +---------------------------------------------------------------+
 * |                meta (meta_len bytes)  ...                     | 24
 * +---------------------------------------------------------------+
 * |                body (body_len bytes)  ...                     |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * All integers are unsigned big-endian. The payload length is {@code meta_len + body_len}; a
 * receiver checks it against its {@code max_frame} before allocating anything for it (§3.2).
 *
 * <p>REQUEST meta (§4.1): {@code timeout_ms} (u32) then the method (1..255 bytes UTF-8).
 */
public final class FrameDescriptor {
    public static final int MAGIC = 0xFA50524C;
    public static final byte MAGIC_0 = (byte) 0xFA;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 24;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int KIND_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int ID_OFFSET = 8;
    public static final int META_LENGTH_OFFSET = 12;
    public static final int CODEC_OFFSET = 14;
    public static final int COMPRESSION_OFFSET = 15;
    public static final int BODY_LENGTH_OFFSET = 16;
    public static final int HEADER_CRC_OFFSET = 20;
    /** The header checksum covers bytes 0..19. */
    public static final int CRC_COVERED_LENGTH = 20;

    public static final int MAX_META_LENGTH = 0xFFFF;
    /** REQUEST meta: the timeout u32 precedes the method. */
    public static final int REQUEST_TIMEOUT_LENGTH = 4;
    public static final int MAX_METHOD_LENGTH = 255;
    public static final int MAX_PING_BODY = 64;

    /** Limits of §3.2 and §3.6. */
    public static final int DEFAULT_MAX_FRAME = 1 << 20;
    public static final int MIN_MAX_FRAME = 16 * 1024;
    public static final int MAX_MAX_FRAME = 16 << 20;
    public static final int HANDSHAKE_MAX_FRAME = 64 * 1024;
    public static final long DEFAULT_MAX_MESSAGE = 128L << 20;
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    public static final long DEFAULT_MAX_STRAY = 1 << 20;
    /** Stray bytes kept per report (§3.6: at least the first 256). */
    public static final int STRAY_REPORT_BYTES = 256;

    private FrameDescriptor() {
    }

    /** CRC32C of header bytes 0..19 starting at {@code offset}. */
    public static int headerCrc(CRC32C crc, byte[] buffer, int offset) {
        crc.reset();
        crc.update(buffer, offset, CRC_COVERED_LENGTH);
        return (int) crc.getValue();
    }

    static int getInt(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    static int getShort(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static void putShort(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
