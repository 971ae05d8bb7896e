package io.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One measured program of the benchmark suite: starts its processes, warms up, runs {@code count}
 * operations and returns operations per second. Every run starts fresh processes, so rounds are
 * independent and can be interleaved.
 */
interface Contender {
    double run(int count) throws Exception;

    /** Thrown when a measurement cannot run on this machine (no C compiler, ...): the report says why. */
    final class Skipped extends Exception {
        private static final long serialVersionUID = 1L;

        Skipped(String why) {
            super(why);
        }
    }

    /** {@code php} ({@code PARLEY_PHP} overrides it). */
    static String php() {
        return System.getenv().getOrDefault("PARLEY_PHP", "php");
    }

    static Path phpScript(String name) {
        return BenchSuite.root().resolve("sdk-java/benchmarks/php").resolve(name);
    }

    /** The most a measurement runs (after warming up) before it stops short of its count. */
    long BUDGET_NANOS = 1_500_000_000L;
    /** The fewest operations a measurement runs, whatever the budget. */
    int MIN_OPS = 3;

    /** One operation of a measurement. */
    interface Op {
        void run() throws Exception;
    }

    /**
     * Runs {@code op} a tenth of {@code count} times to warm up (at most a quarter of the budget),
     * then {@code count} times or until {@link #BUDGET_NANOS} have passed (at least {@link #MIN_OPS}
     * times); returns operations per second.
     */
    static double timed(int count, Op op) throws Exception {
        long warmEnd = System.nanoTime() + BUDGET_NANOS / 4;
        for (int i = 0; i < Math.max(1, count / 10) && (i == 0 || System.nanoTime() < warmEnd); i++) {
            op.run();
        }
        long t0 = System.nanoTime();
        long end = t0 + BUDGET_NANOS;
        int done = 0;
        while (done < count && (done < MIN_OPS || System.nanoTime() < end)) {
            op.run();
            done++;
        }
        return perSecond(done, t0);
    }

    static double perSecond(int count, long startNanos) {
        return count / ((System.nanoTime() - startNanos) / 1e9);
    }

    /** The floor of the Java→PHP rows: a length-prefixed echo through DataStreams to raw-echo.php. */
    static Contender javaRawPhpEcho(byte[] body) {
        return count -> {
            Process p = new ProcessBuilder(php(), phpScript("raw-echo.php").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(p.getOutputStream(), 1 << 16));
                    DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
                byte[] into = new byte[body.length];
                double rate = timed(count, () -> rawEcho(out, in, body, into));
                if (!Arrays.equals(body, into)) {
                    throw new IOException("raw PHP echo returned different bytes");
                }
                return rate;
            } finally {
                p.destroy();
                p.waitFor();
            }
        };
    }

    private static void rawEcho(DataOutputStream out, DataInputStream in, byte[] body, byte[] into) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
        int n = in.readInt();
        in.readFully(into, 0, n);
    }

    /** The floor of the PHP→Java notification row: raw-echo.php writes {@code count} frames of {@code size} bytes. */
    static Contender javaRawPhpStream(int size) {
        return count -> {
            Process p = new ProcessBuilder(php(), phpScript("raw-echo.php").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(p.getOutputStream(), 1 << 16));
                    DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
                byte[] into = new byte[size];
                stream(out, in, Math.max(1, count / 10), size, into);
                long t0 = System.nanoTime();
                int got = stream(out, in, count, size, into);
                double rate = perSecond(count, t0);
                if (got != count) {
                    throw new IOException("raw PHP child sent " + got + " of " + count + " frames");
                }
                return rate;
            } finally {
                p.destroy();
                p.waitFor();
            }
        };
    }

    private static int stream(DataOutputStream out, DataInputStream in, int n, int size, byte[] into) throws IOException {
        out.writeInt(9);
        out.writeByte(1);
        out.writeInt(n);
        out.writeInt(size);
        out.flush();
        int got = 0;
        for (int len; (len = in.readInt()) > 0; got++) {
            in.readFully(into, 0, len);
        }
        return got;
    }

    /** A Java Parley session calling a PHP bench-worker.php; {@code auto}: the old default, automatic compression on in both (see bench-worker.php). */
    static Session javaToPhp(boolean auto, Handlers handlers) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(php(), phpScript("bench-worker.php").toString()));
        if (auto) {
            cmd.add("before");
        }
        Session.Builder b = Session.builder(ChildProcessTransport.launch(cmd)).handlers(handlers).heartbeat(Duration.ZERO);
        if (auto) {
            b.autoCompression(true);
        }
        return b.open();
    }

    /** Java→PHP raw-codec echo of {@code body} through Parley. */
    static Contender javaParleyPhpRaw(byte[] body, boolean auto) {
        return count -> {
            try (Session s = javaToPhp(auto, new Handlers())) {
                Payload p = Payload.raw(body);
                byte[][] back = {null};
                double rate = timed(count, () -> back[0] = s.call("bytes", p, byte[].class));
                if (!Arrays.equals(body, back[0])) {
                    throw new IOException("Parley PHP worker returned different bytes");
                }
                return rate;
            }
        };
    }

    /** Java→PHP echo of a JSON string (decoded and encoded on both sides). */
    static Contender javaParleyPhpJson(String text, boolean auto) {
        return count -> {
            try (Session s = javaToPhp(auto, new Handlers())) {
                String[] back = {null};
                double rate = timed(count, () -> back[0] = s.call("echo", text, String.class));
                if (!text.equals(back[0])) {
                    throw new IOException("Parley PHP worker returned a different string");
                }
                return rate;
            }
        };
    }

    /** PHP→Java notifications of {@code size} bytes (the PHP worker sends them, then answers the call). */
    static Contender javaParleyPhpNotifications(int size) {
        return count -> {
            AtomicLong got = new AtomicLong();
            Handlers h = new Handlers().onNotification("n", JsonNode.class, (p, session) -> got.incrementAndGet());
            try (Session s = javaToPhp(false, h)) {
                s.call("notify", Map.of("n", Math.max(1, count / 10), "size", size), Integer.class);
                got.set(0);
                long t0 = System.nanoTime();
                s.call("notify", Map.of("n", count, "size", size), Integer.class);
                double rate = perSecond(count, t0);
                if (got.get() != count) { // notifications are handled in order, before the answer (SPEC §6)
                    throw new IOException("got " + got.get() + " of " + count + " notifications");
                }
                return rate;
            }
        };
    }

    /** Java↔Java through the JMH suite's {@link Peer} (a child JVM running {@link BenchPeer}). */
    static Contender javaJava(String impl, String transport, byte[] body) {
        return count -> {
            try (Peer peer = Peer.start(impl, transport)) {
                byte[] into = new byte[body.length];
                Payload p = Payload.raw(body);
                return timed(count, () -> {
                    if (peer.session != null) {
                        peer.session.call("echo", p, byte[].class);
                    } else {
                        peer.rawEcho(body, into);
                    }
                });
            }
        };
    }

    /** PHP↔PHP through {@code php-pair.php}: {@code impl} raw (the floor) or parley. */
    static Contender phpPhp(String impl, String mode, int size, boolean incompressible) {
        return count -> {
            List<String> cmd = new ArrayList<>(List.of(php(), phpScript("php-pair.php").toString(), impl, mode,
                    Integer.toString(size), Integer.toString(count)));
            if (incompressible) {
                cmd.add("incompressible");
            }
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || line.isEmpty()) {
                throw new IOException("php-pair.php " + String.join(" ", cmd.subList(2, cmd.size())) + " failed: " + line);
            }
            JsonNode r = new ObjectMapper().readTree(line);
            return r.get("ops").asDouble() / r.get("seconds").asDouble();
        };
    }
}
