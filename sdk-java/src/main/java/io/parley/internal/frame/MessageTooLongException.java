package io.parley.internal.frame;

import io.parley.ErrorCode;

/** A reassembled (or decompressed) message body exceeds the receiver's max_message (§5, §10.2). */
public class MessageTooLongException extends FrameException {
    private static final long serialVersionUID = 1L;

    public MessageTooLongException(String message) {
        super(ErrorCode.MESSAGE_TOO_LARGE, message);
    }
}
