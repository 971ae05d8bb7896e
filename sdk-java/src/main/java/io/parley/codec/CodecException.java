package io.parley.codec;

/**
 * A body could not be encoded or decoded. {@link #isMalformed()} tells a body that is not valid
 * in its codec at all (answered {@code PARSE_ERROR}) from a valid body of the wrong shape for the
 * requested type ({@code INVALID_PARAMS}).
 */
public class CodecException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean malformed;

    public CodecException(String message, boolean malformed, Throwable cause) {
        super(message, cause);
        this.malformed = malformed;
    }

    public boolean isMalformed() {
        return malformed;
    }
}
