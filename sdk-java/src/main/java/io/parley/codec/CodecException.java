package io.parley.codec;

import io.parley.ErrorCode;
import io.parley.ParleyException;

/**
 * A body could not be encoded or decoded. {@link #isMalformed()} tells a body that is not valid
 * in its codec at all (answered {@code PARSE_ERROR}) from a valid body of the wrong shape for the
 * requested type ({@code INVALID_PARAMS}); {@link #unsupportedEncoding} is a body in a codec or
 * compression this side did not offer ({@code UNSUPPORTED_ENCODING}). Encoding a value JSON cannot
 * carry (NaN, ±Infinity, an object Jackson cannot serialise) also fails with this exception, never
 * with an altered value (SPEC 1.1 §10.1).
 */
public class CodecException extends ParleyException {
    private static final long serialVersionUID = 1L;
    private final boolean malformed;

    /** {@code malformed}: the bytes are not valid in the codec at all ({@code PARSE_ERROR}), else {@code INVALID_PARAMS}. */
    public CodecException(String message, boolean malformed, Throwable cause) {
        super(malformed ? ErrorCode.PARSE_ERROR : ErrorCode.INVALID_PARAMS, message, cause);
        this.malformed = malformed;
    }

    /**
     * A body in a codec or compression this side did not offer ({@code UNSUPPORTED_ENCODING}, SPEC
     * §6.2; SPEC 1.1: also for a RESPONSE, ERROR or PROGRESS the caller receives).
     */
    public static CodecException unsupportedEncoding(String message) {
        return new CodecException(ErrorCode.UNSUPPORTED_ENCODING, message);
    }

    private CodecException(ErrorCode code, String message) {
        super(code, message, null);
        this.malformed = false;
    }

    public boolean isMalformed() {
        return malformed;
    }
}
