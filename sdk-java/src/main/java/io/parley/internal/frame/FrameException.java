package io.parley.internal.frame;

import io.parley.ErrorCode;
import io.parley.ParleyException;

/**
 * A fatal error of the frame layer (SPEC §3–§5). The decoder, validator or assembler that threw
 * it has left its state consistent (the offending bytes are consumed) and refuses further input.
 */
public abstract class FrameException extends ParleyException {
    private static final long serialVersionUID = 1L;

    protected FrameException(ErrorCode code, String message) {
        super(code, message);
    }
}
