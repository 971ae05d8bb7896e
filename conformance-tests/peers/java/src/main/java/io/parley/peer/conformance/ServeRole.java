package io.parley.peer.conformance;

import io.parley.Session;
import io.parley.peer.ConformanceService;
import io.parley.transport.SharedMemory;
import io.parley.transport.StreamTransport;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code serve} role: answers the conformance service over stdio or as a ring child (one
 * session, then exit 0),
 * or listens on a Unix/TCP socket and serves one connection after another until a peer calls
 * {@code shutdown}, one crashes the process on purpose, or a signal arrives. A failure on one
 * connection closes that connection only.
 */
public final class ServeRole {
    private static final Logger LOG = LoggerFactory.getLogger(ServeRole.class);
    static final String PEER_NAME = "parley-java-conformance/0.1.0";

    private final PeerOptions options;
    private final ConformanceService service;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Set<Session> active = ConcurrentHashMap.newKeySet();
    private volatile TransportServer server;

    public ServeRole(PeerOptions options) {
        this.options = options;
        this.service = new ConformanceService(this::stopListening);
    }

    /** Runs the role; returns the exit status. */
    public int run() throws IOException, PeerOptions.UsageException {
        if (options.transport().equals("stdio")) {
            return serveStdio();
        }
        if (options.transport().equals("shm")) {
            return serveRing();
        }
        return serveSockets(System.out);
    }

    private int serveStdio() throws IOException {
        Session s = open(StreamTransport.stdio());
        s.closeFuture().join(); // after the GOODBYE exchange, end of stdin, or a fatal error
        return 0;
    }

    /** The ring child (SPEC §9.4): attaches from the environment its parent set; one session, then exit 0. */
    private int serveRing() throws IOException, PeerOptions.UsageException {
        if (!SharedMemory.offered()) {
            throw new PeerOptions.UsageException("serve --transport shm needs the ring environment (" + SharedMemory.ENV_FILE + ", "
                    + SharedMemory.ENV_SOCKET + ", " + SharedMemory.ENV_SESSION + ") of a parent that launched it on a ring");
        }
        Session s = open(SharedMemory.attach());
        s.closeFuture().join(); // after the GOODBYE exchange, the end of the ring or a fatal error
        return 0;
    }

    private int serveSockets(PrintStream stdout) throws IOException, PeerOptions.UsageException {
        TransportServer listener = Endpoints.listen(options);
        server = listener;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopListening, "parley-conformance-unlink"));
        stdout.println("LISTENING " + listener.address());
        stdout.flush();
        while (stop.getCount() > 0) {
            Transport t;
            try {
                t = listener.accept();
            } catch (IOException e) {
                if (stop.getCount() == 0) {
                    break;
                }
                throw e;
            }
            PeerThreads.start("parley-conformance-session", () -> serveConnection(t));
        }
        awaitActiveSessions();
        return 0;
    }

    private void serveConnection(Transport t) {
        Session s = null;
        try {
            s = open(t);
            active.add(s);
            if (stop.getCount() == 0) {
                s.close(); // raced with a shutdown: do not keep a new session alive
            }
            s.closeFuture().join();
        } catch (Exception e) {
            LOG.warn("session on {} failed: {}", t.description(), e.getMessage());
            try {
                t.close();
            } catch (IOException ignored) {
                // already failing
            }
        } finally {
            if (s != null) {
                active.remove(s);
            }
        }
    }

    /** After {@code shutdown}: let the sessions finish their GOODBYE exchange (bounded), then exit. */
    private void awaitActiveSessions() {
        CompletableFuture<?>[] closing = active.stream().map(Session::closeFuture).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{} session(s) still open 5 s after shutdown; exiting anyway", active.size());
        }
    }

    private void stopListening() {
        stop.countDown();
        closeListener();
    }

    private void closeListener() {
        TransportServer s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing the listener: {}", e.toString());
            }
        }
    }

    /** Opens a session over {@code t}, wrapped so that {@code print-stray} can write between frames. */
    private Session open(Transport t) throws IOException {
        StrayTap tap = new StrayTap(t);
        Session s = configure(Session.builder(tap)).open();
        service.strayOutput(s, tap);
        return s;
    }

    private Session.Builder configure(Session.Builder b) {
        b.handlers(service.handlers()).peerName(PEER_NAME).codec(NativeCodec.kryo());
        return options.applyTo(b);
    }
}
