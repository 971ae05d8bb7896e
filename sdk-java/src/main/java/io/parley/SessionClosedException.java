package io.parley;

/**
 * The session is closed, closing, or ended while the call was outstanding (SPEC §8.6). {@link
 * #code()} is the reason: {@code SESSION_CLOSED}, {@code SHUTTING_DOWN}, or the fatal error that
 * ended the session ({@code PROTOCOL_ERROR}, {@code HEARTBEAT_TIMEOUT}, ...).
 */
public class SessionClosedException extends ParleyException {
    private static final long serialVersionUID = 1L;

    public SessionClosedException(int code, String message) {
        super(code, message);
    }

    public SessionClosedException(ErrorCode code, String message) {
        super(code, message);
    }

    public SessionClosedException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
