package io.parley.pool;

/**
 * How the pool talks to its local workers (SPEC §9).
 *
 * <p>With {@link #UNIX} and {@link #TCP} each named pool opens a private listener when it starts
 * (a Unix socket, mode 0600, in a fresh 0700 temporary directory; or a loopback TCP port) with a
 * random per-pool token, and starts each worker with {@code PARLEY_ADDRESS}, {@code PARLEY_TOKEN}
 * and {@code PARLEY_PEER_NAME} ({@code pool-worker:<id>}) in its environment. The PHP worker's
 * {@code Ipc::worker()} sees {@code PARLEY_ADDRESS} and dials back instead of using stdio; the
 * pool matches the connection to the child it launched by that peer name. Supervision is the same
 * as with stdio: a crash is reported with the child's exit status and stderr, exec_ttl kills the
 * process tree, recycling and shutdown work alike. The worker's stdout is read and dropped.
 * Heartbeats are off, as with stdio: the pool watches the process.
 *
 * <p>With {@link #SHM} the pool starts each worker on a shared-memory ring; supervision is the
 * same, and the worker's stdout is logged (it carries no frames).
 */
public enum WorkerTransport {
    /** Frames on the worker's stdin/stdout (default). */
    STDIO,
    /** A Unix domain socket the pool listens on. */
    UNIX,
    /** A loopback TCP socket the pool listens on. */
    TCP,
    /**
     * The shared-memory ring (SPEC §9.4, {@link io.parley.transport.SharedMemory}): a ring file per
     * worker in {@code /dev/shm} (1 MiB each way) and a Unix socket for doorbells. A worker that
     * cannot map it (PHP without FFI) declines and the session runs over that socket; when this
     * process cannot create the ring the worker is started over stdio. Both are logged once.
     */
    SHM
}
