package io.parley;

/**
 * Base of every Parley failure: carries the SPEC §7.2 code (or an application code).
 *
 * <p>Subtypes say where the failure came from: {@link RemoteException} (the peer answered with
 * ERROR), {@link DeadlineExceededException}, {@link SessionClosedException} (the session ended;
 * {@link PeerGoneException} when the peer died or the stream ended), and the frame-layer errors
 * in {@code io.parley.internal.frame}.
 */
public class ParleyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public ParleyException(int code, String message) {
        super(message);
        this.code = code;
    }

    public ParleyException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ParleyException(ErrorCode code, String message) {
        this(code.code(), message);
    }

    public ParleyException(ErrorCode code, String message, Throwable cause) {
        this(code.code(), message, cause);
    }

    /** The wire code: a SPEC §7.2 code or an application one. */
    public int code() {
        return code;
    }

    /** The named SPEC code, or {@code null} for an application code. */
    public ErrorCode errorCode() {
        return ErrorCode.of(code);
    }
}
