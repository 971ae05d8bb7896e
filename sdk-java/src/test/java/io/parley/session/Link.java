package io.parley.session;

import io.parley.Handlers;
import io.parley.Session;
import io.parley.testutil.TapTransport;
import io.parley.testutil.TestService;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.MemoryTransport;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A client session connected to a conformance service over one transport kind. The service runs
 * in this JVM (memory, unix, tcp) or in a child JVM launched through the stdio transport.
 */
final class Link implements AutoCloseable {
    enum Kind { MEMORY, UNIX, TCP, CHILD_JVM, RING }

    final Session client;
    final Session server; // null for CHILD_JVM
    /** The client's transport, wrapped: counts the client's writes. */
    final TapTransport clientTap;
    private final List<AutoCloseable> resources;

    private Link(Session client, Session server, TapTransport clientTap, List<AutoCloseable> resources) {
        this.client = client;
        this.server = server;
        this.clientTap = clientTap;
        this.resources = resources;
    }

    static Link open(Kind kind, Handlers clientHandlers) throws Exception {
        return open(kind, clientHandlers, b -> b, b -> b);
    }

    static Link open(Kind kind, Handlers clientHandlers, UnaryOperator<Session.Builder> clientCfg,
            UnaryOperator<Session.Builder> serverCfg) throws Exception {
        List<AutoCloseable> res = new ArrayList<>();
        switch (kind) {
            case MEMORY -> {
                MemoryTransport[] pair = MemoryTransport.pair();
                return connect(pair[0], () -> pair[1], clientHandlers, clientCfg, serverCfg, res);
            }
            case UNIX -> {
                Path dir = Files.createTempDirectory("parley-test");
                Path sock = dir.resolve("s.sock");
                TransportServer listener = UnixSockets.listen(sock);
                res.add(listener);
                res.add(() -> Files.deleteIfExists(dir));
                CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(() -> accept(listener));
                Transport c = UnixSockets.connect(sock);
                return connect(c, () -> accepted.get(5, TimeUnit.SECONDS), clientHandlers, clientCfg, serverCfg, res);
            }
            case TCP -> {
                TransportServer listener = TcpSockets.listenLoopback(0);
                res.add(listener);
                CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(() -> accept(listener));
                String[] hp = listener.address().split(":");
                Transport c = TcpSockets.connect(hp[0], Integer.parseInt(hp[1]));
                return connect(c, () -> accepted.get(5, TimeUnit.SECONDS), clientHandlers, clientCfg, serverCfg, res);
            }
            case RING -> {
                io.parley.testutil.RingPair ring = io.parley.testutil.RingPair.open(64 * 1024, java.time.Duration.ofNanos(20_000));
                return connect(ring.parent, () -> ring.child, clientHandlers, clientCfg, serverCfg, res);
            }
            default -> {
                TapTransport child = new TapTransport(ChildProcessTransport.launch(childCommand()));
                Session client = clientCfg.apply(Session.builder(child).handlers(clientHandlers)).open();
                return new Link(client, null, child, res);
            }
        }
    }

    static List<String> childCommand(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.parley.testutil.TestPeer"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private interface TransportSupplier {
        Transport get() throws Exception;
    }

    private static Link connect(Transport clientSide, TransportSupplier serverSide, Handlers clientHandlers,
            UnaryOperator<Session.Builder> clientCfg, UnaryOperator<Session.Builder> serverCfg, List<AutoCloseable> res)
            throws Exception {
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
            try {
                TapTransport tap = new TapTransport(serverSide.get());
                Session s = serverCfg.apply(Session.builder(tap).handlers(TestService.handlers(() -> { })))
                        .heartbeat(java.time.Duration.ZERO).open();
                TapTransport.register(s, tap);
                return s;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Session client;
        TapTransport clientTap = new TapTransport(clientSide);
        try {
            client = clientCfg.apply(Session.builder(clientTap).handlers(clientHandlers).heartbeat(java.time.Duration.ZERO)).open();
        } catch (Exception e) {
            server.handle((s, x) -> {
                if (s != null) {
                    s.abort();
                }
                return null;
            });
            throw e;
        }
        return new Link(client, server.get(10, TimeUnit.SECONDS), clientTap, res);
    }

    private static Transport accept(TransportServer listener) {
        try {
            return listener.accept();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (server != null) {
            server.close();
        }
        for (AutoCloseable r : resources) {
            r.close();
        }
    }
}
