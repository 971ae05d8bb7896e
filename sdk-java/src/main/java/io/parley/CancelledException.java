package io.parley;

/**
 * A call was cancelled on this side (SPEC §6.6, code {@code CANCELLED}): its future was cancelled,
 * or the waiting thread was interrupted; a CANCEL went to the peer. Inside a handler, thrown by
 * {@link RequestContext#checkCancelled()} once the peer cancelled the request.
 */
public class CancelledException extends ParleyException {
    private static final long serialVersionUID = 1L;

    public CancelledException(String message) {
        super(ErrorCode.CANCELLED, message);
    }
}
