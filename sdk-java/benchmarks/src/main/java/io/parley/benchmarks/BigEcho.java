package io.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.Payload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The large-transfer row: a Java parent echoes one body of many MiB (Parley splits it into frames:
 * a chunked message, SPEC §5) through a PHP or Java child, in a JVM of its own so that the peak
 * resident set of both processes belongs to this workload alone:
 * {@code BigEcho raw|parley|pieces php|java COUNT SIZE} prints one JSON line with the rate and, for each
 * process, its resident set after warming up and its peak ({@code VmRSS}, {@code VmHWM} of
 * {@code /proc/<pid>/status}, sampled by this process). {@code pieces}: both sides keep the body
 * in pieces (the parent asks for a {@link Payload}, the PHP worker runs with {@code rawPieces}), so
 * neither joins the frames of the answer or the request into one array.
 */
public final class BigEcho {
    private BigEcho() {
    }

    public static void main(String[] args) throws Exception {
        String impl = args[0];
        String peer = args[1];
        int count = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        byte[] body = BenchSuite.random(size);
        try (Link link = Link.open(impl, peer, "pipe", Peer.DEFAULT_SPIN)) {
            long child = link.childPid();
            byte[] small = BenchSuite.random(4096);
            for (int i = 0; i < 10; i++) {
                Link.check(small, link.echo(small));
            }
            long parentBase = kib("self", "VmRSS");
            long childBase = kib(Long.toString(child), "VmRSS");
            long t0 = System.nanoTime();
            boolean pieces = impl.equals("pieces");
            byte[] back = null;
            Payload backPieces = null;
            for (int i = 0; i < count; i++) {
                if (pieces) {
                    backPieces = null; // the last answer is garbage before the next arrives
                    backPieces = ((Link.Parley) link).echoPayload(body);
                } else {
                    back = null;
                    back = link.echo(body);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long parentPeak = kib("self", "VmHWM");
            long childPeak = kib(Long.toString(child), "VmHWM");
            if (pieces) {
                Link.check(body, backPieces);
            } else {
                Link.check(body, back);
            }
            System.out.printf(Locale.ROOT, "{\"mbps\": %.3f, \"parentBase\": %d, \"parentPeak\": %d, \"childBase\": %d, \"childPeak\": %d}%n",
                    (double) count * size / 1e6 / seconds, parentBase, parentPeak, childBase, childPeak);
        }
        System.exit(0);
    }

    /** A figure in KiB from {@code /proc/<pid>/status}. */
    static long kib(String pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"), StandardCharsets.UTF_8)) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + key + " in /proc/" + pid + "/status");
    }

    /**
     * The contender: MB/s each way; records the peak RSS growth of both processes, as multiples of
     * the body, in {@link BenchSuite#EXTRAS}.
     */
    static Contender contender(String impl, String peer, int size) {
        return count -> {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), Peer.ADD_EXPORTS,
                    "-cp", System.getProperty("java.class.path"), BigEcho.class.getName(), impl, peer, Integer.toString(count),
                    Integer.toString(size)));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || line.isEmpty()) {
                throw new IOException("BigEcho " + impl + " " + peer + " failed: " + line);
            }
            JsonNode r = new ObjectMapper().readTree(line);
            double payloadKib = size / 1024.0;
            BenchSuite.extra("Java parent peak RSS growth", "× payload",
                    (r.get("parentPeak").asLong() - r.get("parentBase").asLong()) / payloadKib);
            BenchSuite.extra((peer.equals("php") ? "PHP" : "Java") + " child peak RSS growth", "× payload",
                    (r.get("childPeak").asLong() - r.get("childBase").asLong()) / payloadKib);
            return r.get("mbps").asDouble();
        };
    }
}
