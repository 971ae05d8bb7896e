package io.parley.internal.frame;

import io.parley.ErrorCode;

/** A verified header carries a frame version other than 1 (§3.4). */
public class UnsupportedVersionException extends FrameException {
    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(String message) {
        super(ErrorCode.UNSUPPORTED_VERSION, message);
    }
}
