package io.parley.internal.frame;

import io.parley.ErrorCode;

/** A verified header declares a payload over the receiver's max_frame (§3.2); nothing was allocated for it. */
public class FrameTooLongException extends FrameException {
    private static final long serialVersionUID = 1L;

    public FrameTooLongException(String message) {
        super(ErrorCode.FRAME_TOO_LARGE, message);
    }
}
