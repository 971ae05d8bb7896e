package io.parley.internal.io;

/**
 * An encoded body and the codec and compression ids that go into its frame header (SPEC §3.1,
 * §10); {@code plainLength} is its length before compression (what the peer's max_message limits).
 */
public record Encoded(int codec, int compression, byte[] bytes, long plainLength) {
    /** No body. */
    public static final Encoded EMPTY = new Encoded(0, 0, new byte[0]);

    /** An uncompressed body. */
    public Encoded(int codec, int compression, byte[] bytes) {
        this(codec, compression, bytes, bytes.length);
    }
}
