package io.parley.codec;

/** Decompressed output would exceed the receiver's max_message (SPEC §10.2: MESSAGE_TOO_LARGE). */
public class CompressionLimitException extends Exception {
    private static final long serialVersionUID = 1L;

    public CompressionLimitException(String message) {
        super(message);
    }
}
