package io.parley.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Compression 2: one Zstandard frame (RFC 8878), through zstd-jni, an optional dependency of
 * parley-sdk ({@code com.github.luben:zstd-jni}): without it zstd is simply not offered, and using
 * this class directly throws an {@link IllegalStateException} naming the dependency to add.
 *
 * <p>Decompression is bounded by max_message (SPEC §10.2, §13) before and while it runs: a declared
 * content size above it, or a window above it when no size is declared, is refused before the decoder
 * allocates anything, and the output is collected in slices so that a bomb costs at most
 * max_message of heap (see {@link BoundedOutput}).
 */
public final class ZstdCompression implements Compression {
    public static final ZstdCompression INSTANCE = new ZstdCompression();
    private static final boolean AVAILABLE = probe();
    /** zstd's smallest window (1 KiB): no frame needs less, whatever max_message is. */
    private static final long MIN_WINDOW = 1024;

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
        long window = declared < 0 ? windowSize(data) : -1;
        if (window > Math.max(maxOutput, MIN_WINDOW)) {
            // Without a declared size the decoder allocates the whole window the header asks for.
            throw new CompressionLimitException("zstd body declares no content size and a " + window
                    + "-byte window, more than max_message " + maxOutput + " bytes; compress with the size known");
        }
        try {
            return Decoder.decode(data, maxOutput, declared);
        } catch (IOException | RuntimeException e) {
            throw new CodecException("invalid zstd frame: " + e.getMessage(), true, e);
        }
    }

    /**
     * The zstd-jni calls, in a class of their own: verifying {@link ZstdCompression} must not load
     * zstd-jni's classes, so that the SDK works (and says what to add) without the dependency.
     */
    private static final class Decoder {
        private Decoder() {
        }

        static byte[] decode(byte[] data, long maxOutput, long declared) throws IOException, CodecException, CompressionLimitException {
            try (ZstdInputStreamNoFinalizer in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(data))) {
                if (declared < 0) {
                    in.setLongMax(windowLogFor(maxOutput)); // also bounds a second frame's window
                }
                return BoundedOutput.readAll(in, maxOutput, declared);
            }
        }
    }

    /** The smallest window log (10..27) whose window holds max_message bytes. */
    static int windowLogFor(long maxOutput) {
        int log = 64 - Long.numberOfLeadingZeros(Math.max(maxOutput, MIN_WINDOW) - 1);
        return Math.max(10, Math.min(27, log));
    }

    /**
     * The Window_Size a zstd frame header asks for (RFC 8878 §3.1.1.1.2), or -1 when the header is
     * incomplete or single-segment (then the window is the declared content size).
     */
    static long windowSize(byte[] d) {
        if (d.length < 6 || (d[0] & 0xFF) != 0x28 || (d[1] & 0xFF) != 0xB5 || (d[2] & 0xFF) != 0x2F || (d[3] & 0xFF) != 0xFD) {
            return -1;
        }
        if ((d[4] & 0x20) != 0) {
            return -1;
        }
        int descriptor = d[5] & 0xFF;
        long base = 1L << (10 + (descriptor >>> 3));
        return base + (base / 8) * (descriptor & 7);
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
