package io.parley;

/**
 * A call could not be sent because the peer's in-flight limit (SPEC §6.5) is reached and the
 * local queue of calls waiting for a slot is full. Retry later, raise {@code
 * Session.Builder.maxQueuedCalls}, or raise the peer's {@code max_in_flight}.
 */
public class OverloadedException extends ParleyException {
    private static final long serialVersionUID = 1L;

    public OverloadedException(String message) {
        super(ErrorCode.OVERLOADED, message);
    }
}
