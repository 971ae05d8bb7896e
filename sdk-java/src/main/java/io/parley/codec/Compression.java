package io.parley.codec;

/**
 * A body compression of SPEC §10.2. Decompression is bounded: it stops with {@link
 * CompressionLimitException} as soon as the output would exceed {@code maxOutput}.
 */
public interface Compression {
    int NONE = 0;
    int DEFLATE = 1;
    int ZSTD = 2;

    int id();

    /** The name listed in HELLO ({@code "deflate"}, {@code "zstd"}). */
    String name();

    byte[] compress(byte[] data);

    /** @throws CodecException when the data is not valid in this format */
    byte[] decompress(byte[] data, long maxOutput) throws CodecException, CompressionLimitException;

    /** The compressions this runtime can use: zstd only when its native library loads. */
    static java.util.List<Compression> available() {
        return ZstdCompression.isAvailable() ? java.util.List.of(ZstdCompression.INSTANCE, DeflateCompression.INSTANCE)
                : java.util.List.of(DeflateCompression.INSTANCE);
    }
}
