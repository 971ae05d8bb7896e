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

    /** Lost wake-ups this side counted (shared-memory ring, SPEC §9.4); -1 where not counted. */
    default long lostWakeups() {
        return -1;
    }

    /**
     * Stops reading from the peer until {@link #close()}, so that its writes fill the medium (a
     * consumer that stalls, then dies). Unsupported where the medium cannot be stalled.
     */
    default void stopReading() {
        throw new UnsupportedOperationException(describe() + " cannot stop reading");
    }

    /**
     * The ring's parent side: leaves a claimed, never committed record in the ring towards the
     * peer, as a producer killed mid-record does (SPEC §9.4). Unsupported elsewhere.
     */
    default void claimWithoutCommit(int length) throws IOException {
        throw new UnsupportedOperationException(describe() + " has no records");
    }
}
