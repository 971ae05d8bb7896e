package io.parley.internal.frame;

import io.parley.ErrorCode;

/** The input is not a Parley stream: more than max_stray stray bytes without a verified header (§3.6). */
public class CorruptFrameException extends FrameException {
    private static final long serialVersionUID = 1L;

    public CorruptFrameException(String message) {
        super(ErrorCode.PROTOCOL_ERROR, message);
    }
}
