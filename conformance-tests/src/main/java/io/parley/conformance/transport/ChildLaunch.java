package io.parley.conformance.transport;

import java.io.IOException;
import java.util.Map;

/**
 * What the runner prepares before it starts a child on a parent/child transport: stdio needs
 * nothing, the ring (SPEC §9.4) a file, a socket and the environment that names them.
 */
public interface ChildLaunch extends AutoCloseable {
    /** Variables to add to the child's environment. */
    Map<String, String> environment() throws IOException;

    /** The link to {@code child}, started with {@link #environment()}. */
    Link attach(PeerProcess child) throws IOException;

    /** Releases what the child did not take over (files of a start that failed). */
    @Override
    void close();
}
