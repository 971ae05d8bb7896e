package io.parley.internal.frame;

import io.parley.ErrorCode;

/** A frame breaks a per-frame rule (§3.3, §4) or the reassembly rules (§5). */
public class ProtocolViolationException extends FrameException {
    private static final long serialVersionUID = 1L;

    public ProtocolViolationException(String message) {
        super(ErrorCode.PROTOCOL_ERROR, message);
    }
}
