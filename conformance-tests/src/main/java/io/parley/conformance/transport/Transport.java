package io.parley.conformance.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transport is a parameter of every case, never a code path of its own (SPEC §9: "framing and
 * semantics are identical on all of them"). Two shapes exist:
 * <ul>
 *   <li><b>parent/child</b> (stdio, shared-memory ring): the initiator launches the acceptor;</li>
 *   <li><b>listening</b> (Unix socket, TCP): the acceptor prints {@code LISTENING <address>}.</li>
 * </ul>
 * Adding the ring (§9.4) = one more subclass registered in {@link #ALL}.
 */
public abstract class Transport {

    public static final Map<String, Transport> ALL = new LinkedHashMap<>();

    static {
        for (Transport t : List.of(new StdioTransport(), new UnixTransport(), new TcpTransport(), new ShmTransport())) {
            ALL.put(t.name(), t);
        }
    }

    public static Transport byName(String name) {
        Transport t = ALL.get(name);
        if (t == null) throw new IllegalArgumentException("unknown transport '" + name + "' (known: " + ALL.keySet() + ")");
        return t;
    }

    public abstract String name();

    /** Null when the runner can use this transport, else the reason it cannot (shown in the report). */
    public String unavailableReason() {
        return null;
    }

    /** True for stdio and the ring: the initiator starts the acceptor as its child. */
    public abstract boolean parentChild();

    /** Arguments after the peer command to make it serve on this transport ({@code dir}: for socket files). */
    public abstract List<String> serveArgs(Path dir);

    /** Parent/child transports: true when the child's stdout is the protocol stream. */
    public boolean stdoutIsProtocol() {
        return false;
    }

    /** Parent/child transports: the link to a child the runner started with {@link #serveArgs}. */
    public Link childLink(PeerProcess child) throws IOException {
        throw new UnsupportedOperationException(name() + " is not a parent/child transport");
    }

    /**
     * Parent/child transports: what to prepare before starting a child the runner then reaches
     * through {@link ChildLaunch#attach}. The default (stdio) adds nothing to the environment.
     */
    public ChildLaunch prepareChild() throws IOException {
        Transport self = this;
        return new ChildLaunch() {
            @Override
            public Map<String, String> environment() {
                return Map.of();
            }

            @Override
            public Link attach(PeerProcess child) throws IOException {
                return self.childLink(child);
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }

    /** Listening transports: connects to the address a serving peer printed. */
    public Link connect(String address) throws IOException {
        throw new UnsupportedOperationException(name() + " is not a listening transport");
    }

    /** Arguments after the peer command to make it drive towards {@code target} (an address, or a server command line). */
    public abstract List<String> driveArgs(String target);

    /** The runner listening for a testee that initiates (the testee runs {@code drive}). */
    public interface Listener extends AutoCloseable {
        /** What to pass as {@code target} to {@link #driveArgs}. */
        String target();

        Link accept(Duration timeout) throws IOException;

        @Override
        void close();
    }

    public abstract Listener listen(Path dir) throws IOException;
}
