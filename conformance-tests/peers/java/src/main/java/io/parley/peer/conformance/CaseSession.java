package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
import io.parley.codec.Compression;
import io.parley.codec.KryoCodec;
import io.parley.peer.ConformanceService;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The fresh session one case runs on (README: "each case runs on a fresh session"), with what
 * the driver observes on it: the frames on the wire ({@link WireTap}), stray bytes reported by
 * the SDK, {@code $/log} lines, and the notifications its conformance service recorded.
 */
final class CaseSession {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CaseSession.class);
    final Session session;
    final WireTap tap;
    final KryoCodec kryo;
    private final ChildProcessTransport child;
    private final ConformanceService service;
    private final StrayLog strays;
    private final List<String> logLines;

    private CaseSession(Session session, WireTap tap, KryoCodec kryo, ChildProcessTransport child, ConformanceService service,
            StrayLog strays, List<String> logLines) {
        this.session = session;
        this.tap = tap;
        this.kryo = kryo;
        this.child = child;
        this.service = service;
        this.strays = strays;
        this.logLines = logLines;
    }

    /**
     * Connects (or launches the stdio server) and runs the handshake with the driver's default
     * options, {@code compressions} overriding the offered compressions when not null.
     */
    static CaseSession open(DriveTarget target, PeerOptions options, List<Compression> compressions) throws IOException {
        Transport raw = target.connect();
        WireTap tap = new WireTap(raw);
        ConformanceService service = new ConformanceService(() -> { });
        StrayLog strays = new StrayLog();
        List<String> logLines = new ArrayList<>();
        KryoCodec kryo = NativeCodec.kryo();
        Handlers handlers = service.handlers().onNotification("$/log", JsonNode.class, (line, s) -> {
            String text = line == null ? "" : line.path("message").asText(line.toString());
            LOG.info("$/log from the server: {}", text);
            synchronized (logLines) {
                logLines.add(text);
            }
        });
        Session.Builder b = Session.builder(tap).handlers(handlers).peerName(ServeRole.PEER_NAME).codec(kryo).onStray(strays::add);
        if (compressions != null) {
            // a case that names its compressions checks that they are used, whatever the transport
            b.compressions(compressions).autoCompression(true);
        }
        options.applyTo(b);
        try {
            Session s = b.open();
            return new CaseSession(s, tap, kryo, raw instanceof ChildProcessTransport c ? c : null, service, strays, logLines);
        } catch (IOException | RuntimeException e) {
            kill(raw);
            throw e;
        }
    }

    boolean isStdioChild() {
        return child != null;
    }

    /** Notifications {@code method} the driver's service has received on this session. */
    List<JsonNode> notes(String method) {
        return service.record(session).notes(method);
    }

    List<String> logLines() {
        synchronized (logLines) {
            return List.copyOf(logLines);
        }
    }

    StrayLog strays() {
        return strays;
    }

    /** The stdio child's exit status once it has exited (waits up to 2 s); empty for sockets or when still running. */
    OptionalInt childExitStatus() {
        return child == null ? OptionalInt.empty() : child.peerGone("exit status check").exitCode();
    }

    List<String> childStderrTail() {
        return child == null ? List.of() : child.stderrTail();
    }

    /** Ends everything abruptly: aborts the session, kills a stdio child. */
    void destroy() {
        if (child != null) {
            child.kill(); // first, so that the abort below does not wait for a hung child's exit
        }
        try {
            session.abort();
        } finally {
            kill(tap.inner());
        }
    }

    private static void kill(Transport t) {
        if (t instanceof ChildProcessTransport c) {
            c.kill();
        }
        try {
            t.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** Stray-byte reports of the SDK (SPEC §3.6), merged. */
    static final class StrayLog {
        private long count;
        private final ByteArrayOutputStream first = new ByteArrayOutputStream();

        synchronized void add(long n, byte[] firstBytes) {
            count += n;
            first.write(firstBytes, 0, firstBytes.length);
        }

        synchronized long count() {
            return count;
        }

        synchronized String text() {
            return first.toString(StandardCharsets.UTF_8);
        }

        synchronized void clear() {
            count = 0;
            first.reset();
        }
    }
}
