package io.parley.codec;

import io.parley.ErrorCode;
import io.parley.ParleyException;

/**
 * A body could not be encoded or decoded. {@link #isMalformed()} tells a body that is not valid
 * in its codec at all (answered {@code PARSE_ERROR}) from a valid body of the wrong shape for the
 * requested type ({@code INVALID_PARAMS}).
 */
public class CodecException extends ParleyException {
    private static final long serialVersionUID = 1L;
    private final boolean malformed;

    /** {@code malformed}: the bytes are not valid in the codec at all ({@code PARSE_ERROR}), else {@code INVALID_PARAMS}. */
    public CodecException(String message, boolean malformed, Throwable cause) {
        super(malformed ? ErrorCode.PARSE_ERROR : ErrorCode.INVALID_PARAMS, message, cause);
        this.malformed = malformed;
    }

    public boolean isMalformed() {
        return malformed;
    }
}
