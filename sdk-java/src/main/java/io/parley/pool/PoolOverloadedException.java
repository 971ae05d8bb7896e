package io.parley.pool;

import io.parley.OverloadedException;

/**
 * The pool could not take the call (code {@code OVERLOADED}, SPEC §7.2): every worker was busy
 * and either the wait queue was full ({@link Reason#QUEUE_FULL}) or no worker became free within
 * the allocate timeout ({@link Reason#ALLOCATE_TIMEOUT}). The message names the option to raise.
 * Nothing was sent to a worker; the call may be retried.
 */
public class PoolOverloadedException extends OverloadedException {
    private static final long serialVersionUID = 1L;

    /** Which limit refused the call. */
    public enum Reason {
        /** {@code queue_size} calls were already waiting. */
        QUEUE_FULL,
        /** The call waited {@code allocate_timeout} without a free worker. */
        ALLOCATE_TIMEOUT
    }

    private final Reason reason;
    private final String pool;

    public PoolOverloadedException(String pool, Reason reason, String message) {
        super(message);
        this.pool = pool;
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The name of the (named) pool that refused the call. */
    public String pool() {
        return pool;
    }
}
