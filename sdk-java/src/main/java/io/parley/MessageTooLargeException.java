package io.parley;

/**
 * A message was refused on this side for a size limit (SPEC §3.2, §10.2, code {@code
 * MESSAGE_TOO_LARGE}): its body is larger than the peer's {@code max_message}, so it was not sent.
 * The session stays open. Send less per call (split the data, stream it with progress), or raise
 * the peer's limit.
 */
public class MessageTooLargeException extends ParleyException {
    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(String message) {
        super(ErrorCode.MESSAGE_TOO_LARGE, message);
    }
}
