package io.parley.pool;

/**
 * Optional callbacks on worker life events (for logs, metrics, a demo's console). They run on the
 * pool's supervisor thread: keep them short and do not call back into the pool and wait.
 */
public interface PoolListener {
    /** A worker finished its handshake and takes calls. */
    default void workerStarted(WorkerStats worker) {
    }

    /** A worker left the pool; {@code reason} is why it will be (or was) replaced. */
    default void workerStopped(WorkerStats worker, RestartReason reason, String detail) {
    }

    /** A crash-loop breaker opened: the named pool is unhealthy. */
    default void poolUnhealthy(String pool, String reason) {
    }
}
