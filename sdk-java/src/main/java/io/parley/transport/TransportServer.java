package io.parley.transport;

import java.io.Closeable;
import java.io.IOException;

/** A listening endpoint: each {@link #accept()} yields the acceptor side of one connection. */
public interface TransportServer extends Closeable {
    /** Blocks until a peer connects. Throws once the server is closed. */
    Transport accept() throws IOException;

    /** The bound address: a socket path, or {@code host:port} with the real port. */
    String address();

    /** Stops listening (and unlinks a Unix socket file). Idempotent. */
    @Override
    void close() throws IOException;
}
