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
}
