package io.parley.pool;

/** How a pool call ended; {@link PoolStats#calls()} counts each. */
public enum CallOutcome {
    /** The worker answered with a result. */
    OK,
    /** The worker answered with an ERROR (a {@link io.parley.RemoteException}). */
    REMOTE_ERROR,
    /** The caller's own deadline passed ({@link io.parley.DeadlineExceededException}). */
    DEADLINE,
    /** The pool's exec_ttl fired ({@link ExecTtlExceededException}). */
    EXEC_TTL,
    /** The worker died during the call ({@link WorkerCrashedException}). */
    CRASHED,
    /** Refused: queue full or allocate timeout ({@link PoolOverloadedException}). */
    OVERLOADED,
    /** Refused: the crash-loop breaker is open ({@link PoolUnhealthyException}). */
    UNHEALTHY,
    /** Refused or abandoned because the pool is closing ({@link PoolClosedException}). */
    SHUTDOWN,
    /** The caller cancelled the future. */
    CANCELLED,
    /** Any other failure (encoding errors, a closed session). */
    OTHER
}
