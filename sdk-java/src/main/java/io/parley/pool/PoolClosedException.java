package io.parley.pool;

import io.parley.ErrorCode;

/**
 * The pool is shutting down or closed (code {@code SHUTTING_DOWN}): it takes no new calls, and
 * calls still queued when the drain timeout ran out fail with this error.
 */
public class PoolClosedException extends PoolException {
    private static final long serialVersionUID = 1L;

    public PoolClosedException(String message) {
        super(ErrorCode.SHUTTING_DOWN, message);
    }
}
