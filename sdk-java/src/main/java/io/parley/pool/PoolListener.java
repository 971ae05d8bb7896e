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

    /**
     * A remote worker's connection ended without the pool asking it to stop (it died, its host
     * went away, the network broke). Its in-flight calls failed with {@link WorkerCrashedException}
     * and its slot is free; the pool cannot start processes on other hosts, so <b>it does not
     * replace it</b>: whatever placed the worker (a container orchestrator, systemd) restarts it,
     * and the new process joins when it connects. Also reported through {@link #workerStopped}.
     */
    default void remoteWorkerLost(WorkerStats worker, String detail) {
    }

    /** A crash-loop breaker opened: the named pool is unhealthy. */
    default void poolUnhealthy(String pool, String reason) {
    }
}
