package io.parley.internal.io;

import java.util.List;

/**
 * An encoded body and the codec and compression ids that go into its frame header (SPEC §3.1,
 * §10); {@code plainLength} is its length before compression (what the peer's max_message limits).
 * A body sent as pieces ({@link io.parley.Payload#ofPieces}) has {@code pieces} (uncompressed, in
 * order) and an empty {@code bytes}: {@link FrameWriter} sends each piece as (part of) frames.
 */
public record Encoded(int codec, int compression, byte[] bytes, long plainLength, List<byte[]> pieces) {
    /** No body. */
    public static final Encoded EMPTY = new Encoded(0, 0, new byte[0]);
    private static final byte[] NONE = new byte[0];

    /** An uncompressed body. */
    public Encoded(int codec, int compression, byte[] bytes) {
        this(codec, compression, bytes, bytes.length, null);
    }

    /** A body of {@code plainLength} bytes before compression. */
    public Encoded(int codec, int compression, byte[] bytes, long plainLength) {
        this(codec, compression, bytes, plainLength, null);
    }

    /** An uncompressed body of {@code size} bytes held as {@code pieces}. */
    public static Encoded ofPieces(int codec, List<byte[]> pieces, long size) {
        return new Encoded(codec, 0, NONE, size, pieces);
    }
}
