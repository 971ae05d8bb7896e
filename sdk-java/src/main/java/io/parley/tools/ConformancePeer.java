package io.parley.tools;

import io.parley.Session;
import io.parley.codec.KryoCodec;
import io.parley.transport.StreamTransport;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java conformance peer (conformance-tests/PEER-CONTRACT.md), {@code serve} role:
 *
 * <pre>
 * ConformancePeer serve --transport stdio
 * ConformancePeer serve --transport unix --listen &lt;socket-path&gt;
 * ConformancePeer serve --transport tcp  --listen &lt;host&gt;:&lt;port&gt;
 *   [--token t] [--max-frame n] [--max-message n] [--max-in-flight n] [--heartbeat-ms n]
 * </pre>
 */
public final class ConformancePeer {
    private static final Logger LOG = LoggerFactory.getLogger(ConformancePeer.class);

    private ConformancePeer() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        Map<String, String> opts = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    usage("option " + args[i] + " needs a value");
                }
                opts.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.isEmpty() || !positional.get(0).equals("serve")) {
            usage(positional.isEmpty() ? "missing role" : "role '" + positional.get(0) + "' is not implemented (only serve)");
        }
        String transport = opts.getOrDefault("transport", "stdio");
        switch (transport) {
            case "stdio" -> {
                Session s = configure(Session.builder(StreamTransport.stdio()), opts).open();
                s.closeFuture().join();
                System.exit(0);
            }
            case "unix" -> serve(UnixSockets.listen(Path.of(required(opts, "listen")), opts.get("token")), opts, stdout);
            case "tcp" -> {
                String listen = required(opts, "listen");
                int colon = listen.lastIndexOf(':');
                if (colon < 0) {
                    usage("--listen for tcp is host:port");
                }
                String host = listen.substring(0, colon).replace("[", "").replace("]", "");
                int port = Integer.parseInt(listen.substring(colon + 1));
                serve(TcpSockets.listen(new InetSocketAddress(InetAddress.getByName(host), port), opts.get("token"), null), opts, stdout);
            }
            default -> usage("unknown transport " + transport);
        }
    }

    private static void serve(TransportServer server, Map<String, String> opts, PrintStream stdout) throws IOException {
        CountDownLatch stop = new CountDownLatch(1);
        Runnable stopListening = () -> {
            stop.countDown();
            try {
                server.close();
            } catch (IOException e) {
                LOG.debug("closing listener: {}", e.toString());
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                // exiting anyway
            }
        }));
        stdout.println("LISTENING " + server.address());
        stdout.flush();
        while (stop.getCount() > 0) {
            Transport t;
            try {
                t = server.accept();
            } catch (IOException e) {
                if (stop.getCount() == 0) {
                    break;
                }
                throw e;
            }
            Thread.ofVirtual().name("conformance-session").start(() -> {
                try {
                    Session s = configure(Session.builder(t), opts, stopListening).open();
                    s.closeFuture().join();
                } catch (Exception e) {
                    LOG.warn("session on {} failed: {}", t.description(), e.getMessage());
                    try {
                        t.close();
                    } catch (IOException ignored) {
                        // already failing
                    }
                }
            });
        }
        // let the session that asked for shutdown finish its GOODBYE
        try {
            Thread.sleep(Duration.ofMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    private static Session.Builder configure(Session.Builder b, Map<String, String> opts) {
        return configure(b, opts, () -> { });
    }

    private static Session.Builder configure(Session.Builder b, Map<String, String> opts, Runnable onShutdown) {
        b.handlers(ConformanceService.handlers(onShutdown)).peerName("parley-java-conformance/0.1.0")
                .codec(new KryoCodec(ConformancePeer::registerKryo));
        if (opts.containsKey("token")) {
            b.token(opts.get("token"));
        }
        if (opts.containsKey("max-frame")) {
            b.maxFrame(Integer.parseInt(opts.get("max-frame")));
        }
        if (opts.containsKey("max-message")) {
            b.maxMessage(Long.parseLong(opts.get("max-message")));
        }
        if (opts.containsKey("max-in-flight")) {
            b.maxInFlight(Integer.parseInt(opts.get("max-in-flight")));
        }
        if (opts.containsKey("heartbeat-ms")) {
            b.heartbeat(Duration.ofMillis(Long.parseLong(opts.get("heartbeat-ms"))));
        }
        return b;
    }

    /** Classes a Java driver may send with Kryo (both sides must register the same, in order). */
    public static void registerKryo(com.esotericsoftware.kryo.Kryo k) {
        k.register(String.class);
        k.register(int[].class);
        k.register(long[].class);
        k.register(byte[].class);
        k.register(java.util.ArrayList.class);
        k.register(java.util.HashMap.class);
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            usage("missing --" + name);
        }
        return v;
    }

    private static void usage(String problem) {
        System.err.println("ConformancePeer: " + problem);
        System.err.println("usage: ConformancePeer serve --transport stdio|unix|tcp [--listen <path>|<host>:<port>] [--token t]"
                + " [--max-frame n] [--max-message n] [--max-in-flight n] [--heartbeat-ms n]");
        System.exit(2);
    }
}
