package io.parley;

/**
 * The session is draining after a GOODBYE (SPEC §8.5, code {@code SHUTTING_DOWN}): it takes no new
 * calls, and a call still queued for an in-flight slot was not sent. Retry on another session.
 */
public class ShuttingDownException extends SessionClosedException {
    private static final long serialVersionUID = 1L;

    public ShuttingDownException(String message) {
        super(ErrorCode.SHUTTING_DOWN, message);
    }
}
