package io.parley.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Compression 2: one Zstandard frame (RFC 8878), through zstd-jni, an optional dependency of
 * parley-sdk ({@code com.github.luben:zstd-jni}): without it zstd is simply not offered, and using
 * this class directly throws an {@link IllegalStateException} naming the dependency to add.
 */
public final class ZstdCompression implements Compression {
    public static final ZstdCompression INSTANCE = new ZstdCompression();
    private static final boolean AVAILABLE = probe();

    private ZstdCompression() {
    }

    /** Whether zstd-jni's native library loaded on this platform. */
    public static boolean isAvailable() {
        return AVAILABLE;
    }

    private static boolean probe() {
        try {
            return Zstd.compress(new byte[] {1}).length > 0;
        } catch (Throwable e) {
            return false;
        }
    }

    @Override
    public int id() {
        return ZSTD;
    }

    @Override
    public String name() {
        return "zstd";
    }

    @Override
    public byte[] compress(byte[] data) {
        io.parley.internal.OptionalDependency.ZSTD.require();
        return Zstd.compress(data, 3);
    }

    @Override
    public byte[] decompress(byte[] data, long maxOutput) throws CodecException, CompressionLimitException {
        io.parley.internal.OptionalDependency.ZSTD.require();
        long declared = declaredContentSize(data);
        if (declared > maxOutput) { // SPEC 1.1 §7.2: the declaration counts, whatever data follows
            throw new CompressionLimitException("zstd body declares " + Long.toUnsignedString(declared)
                    + " bytes of content, more than max_message " + maxOutput + " bytes");
        }
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(data))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4 + 64, 1 << 20));
            byte[] chunk = new byte[16384];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if ((long) out.size() + n > maxOutput) {
                    throw new CompressionLimitException("zstd body decompresses to more than max_message " + maxOutput + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new CodecException("invalid zstd frame: " + e.getMessage(), true, e);
        }
    }

    /**
     * The Frame_Content_Size a zstd frame header declares (RFC 8878 §3.1.1.1), or -1 when the header
     * is incomplete or declares none. Read before decompressing (SPEC 1.1 §7.2).
     */
    static long declaredContentSize(byte[] d) {
        if (d.length < 5 || (d[0] & 0xFF) != 0x28 || (d[1] & 0xFF) != 0xB5 || (d[2] & 0xFF) != 0x2F || (d[3] & 0xFF) != 0xFD) {
            return -1;
        }
        int fhd = d[4] & 0xFF;
        int fcsFlag = fhd >>> 6;
        boolean single = (fhd & 0x20) != 0;
        int pos = 5 + (single ? 0 : 1) + new int[] {0, 1, 2, 4}[fhd & 3];
        int size = fcsFlag == 0 ? (single ? 1 : 0) : 1 << fcsFlag;
        if (size == 0 || pos + size > d.length) {
            return -1;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (d[pos + i] & 0xFF);
        }
        if (size == 8 && v < 0) {
            return Long.MAX_VALUE; // over 2^63: over any max_message
        }
        return size == 2 ? v + 256 : v;
    }
}
