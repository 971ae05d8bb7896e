package io.parley.internal.frame;

import io.parley.ErrorCode;

/** The input ended inside a frame whose header was verified (§3.5, end of input). */
public class TruncatedFrameException extends FrameException {
    private static final long serialVersionUID = 1L;

    public TruncatedFrameException(String message) {
        super(ErrorCode.PEER_GONE, message);
    }
}
