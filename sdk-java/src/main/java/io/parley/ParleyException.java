package io.parley;

/**
 * Base of every Parley failure: carries the SPEC §7.2 code (or an application code). The same tree,
 * with the same names, exists in the PHP SDK:
 *
 * <pre>
 * ParleyException (code)
 * ├── RemoteException            the peer answered a call with ERROR
 * ├── CancelledException         the call was cancelled here (future cancelled, thread interrupted)
 * ├── DeadlineExceededException  the call's deadline passed (here or at the peer)
 * ├── OverloadedException        the in-flight queue is full; the call was not sent
 * ├── MessageTooLargeException   a message refused here for a size limit; not sent
 * ├── codec.CodecException       a body could not be encoded or decoded
 * └── SessionClosedException     the session can no longer be used
 *     ├── ShuttingDownException  draining after GOODBYE: no new calls
 *     ├── ProtocolException      a fatal protocol or handshake error ended it
 *     └── PeerGoneException      the stream ended or the peer process died
 *         └── HeartbeatTimeoutException
 * </pre>
 *
 * The SDK README has the table from each SPEC §7.2 code to its class.
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
