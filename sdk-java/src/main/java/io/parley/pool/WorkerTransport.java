package io.parley.pool;

/**
 * How the pool talks to its local workers (SPEC §9). <b>Only {@link #STDIO} is implemented
 * today</b>; a pool configured with the others fails at start with a clear message. Workers on
 * sockets can join as {@linkplain RemoteWorkers remote workers}.
 *
 * <p>With {@link #UNIX} and {@link #TCP} the pool listens (a private socket file, or loopback with
 * a random token) and starts each worker with {@code PARLEY_ADDRESS} and {@code PARLEY_TOKEN} in
 * its environment; the worker script dials back with {@code Ipc::connect(getenv('PARLEY_ADDRESS'),
 * new SessionOptions(token: getenv('PARLEY_TOKEN')))}. Its stdout is then discarded.
 */
public enum WorkerTransport {
    /** Frames on the worker's stdin/stdout (default). */
    STDIO,
    /** A Unix domain socket the pool listens on. */
    UNIX,
    /** A loopback TCP socket the pool listens on. */
    TCP
}
