package io.parley;

/**
 * The session ended on a fatal protocol error (SPEC §7.3), found by either side: a malformed or
 * oversized frame ({@code PROTOCOL_ERROR}, {@code FRAME_TOO_LARGE}, {@code MESSAGE_TOO_LARGE}) or a
 * failed handshake ({@code HANDSHAKE_FAILED}, {@code UNSUPPORTED_VERSION}, {@code AUTH_FAILED}).
 * {@link #code()} says which. Usually a bug or a version mismatch in one of the peers; the message
 * says what was wrong.
 */
public class ProtocolException extends SessionClosedException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(int code, String message) {
        super(code, message);
    }

    public ProtocolException(int code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
