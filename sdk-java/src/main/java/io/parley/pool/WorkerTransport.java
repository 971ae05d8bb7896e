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
 */
public enum WorkerTransport {
    /** Frames on the worker's stdin/stdout (default). */
    STDIO,
    /** A Unix domain socket the pool listens on. */
    UNIX,
    /** A loopback TCP socket the pool listens on. */
    TCP
}
