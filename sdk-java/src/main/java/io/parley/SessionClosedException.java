package io.parley;

/**
 * The session can no longer be used (SPEC §8.6): it is closed, closing, or ended while the call
 * was outstanding. {@link #code()} is the reason; the subclasses name the usual ones: {@link
 * ShuttingDownException} (draining after GOODBYE), {@link ProtocolException} (a fatal protocol or
 * handshake error), {@link PeerGoneException} (the stream ended, the peer died) and its {@link
 * HeartbeatTimeoutException}. A plain {@code SessionClosedException} is {@code SESSION_CLOSED}:
 * closed or aborted by the application, or a call made after the close.
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

    public SessionClosedException(int code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
