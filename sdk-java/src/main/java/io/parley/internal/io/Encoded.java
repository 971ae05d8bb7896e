package io.parley.internal.io;

/** An encoded body and the codec and compression ids that go into its frame header (SPEC §3.1, §10). */
public record Encoded(int codec, int compression, byte[] bytes) {
    /** No body. */
    public static final Encoded EMPTY = new Encoded(0, 0, new byte[0]);
}
