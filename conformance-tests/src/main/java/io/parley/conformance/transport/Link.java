package io.parley.conformance.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** An ordered, reliable byte stream to a peer (SPEC §9): all the session layer ever sees. */
public interface Link extends AutoCloseable {
    InputStream in();

    OutputStream out();

    /** Half-close: end of stream for the peer (stdio: close its stdin). */
    void closeOutput() throws IOException;

    @Override
    void close();

    String describe();
}
