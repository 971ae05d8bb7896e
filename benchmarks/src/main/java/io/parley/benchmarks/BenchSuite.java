package io.parley.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The benchmark command's runner ({@code scripts/bench.sh}): every row of the matrix with its floor
 * in the same run, in interleaved rounds (each round runs every row once, floor and contenders side
 * by side, in alternating order), fresh processes for every measurement.
 *
 * <pre>
 * BenchSuite run --mode quick|full --label pinned|unpinned --out DIR [--rounds N] [--only TEXT]
 * BenchSuite report --out DIR          (BENCHMARKS.md and chart.png from every DIR/results-*.tsv)
 * </pre>
 *
 * Pinning is the caller's: {@code taskset -c 0 java ...} pins this JVM and every child it starts.
 */
public final class BenchSuite {
    private static final int MIB = 1 << 20;

    /** One row: a workload, its floor and the Parley contenders, with operation counts for quick and full mode. */
    record Row(String name, String unit, int quick, int full, Contender floor, Map<String, Contender> contenders) {
        int count(boolean full) {
            return full ? this.full : this.quick;
        }
    }

    private BenchSuite() {
    }

    /** The repository root: the nearest directory upwards with benchmarks/php. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("benchmarks/php"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the Parley repository (benchmarks/php not found above " + Path.of("").toAbsolutePath() + ")");
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    /** Text-like bytes (compresses about 4:1 or better, like JSON or logs). */
    static String text(int n) {
        StringBuilder sb = new StringBuilder(n);
        Random r = new Random(42);
        String[] words = {"invoice", "customer", "amount", "currency", "EUR", "status", "paid", "open", "line", "item", "total"};
        while (sb.length() < n) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(10) < 3 ? ", " : " ").append(r.nextInt(1000));
        }
        sb.setLength(n);
        return sb.toString();
    }

    static List<Row> rows(boolean full) {
        byte[] small = random(32);
        byte[] big = random(MIB);
        String bigText = text(MIB);
        byte[] bigTextBytes = bigText.getBytes(StandardCharsets.US_ASCII);
        String midText = text(64 * 1024);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Java→PHP 32 B call, raw codec", "calls/s", 300, 20_000, Contender.javaRawPhpEcho(small),
                Map.of("parley", Contender.javaParleyPhpRaw(small, false))));
        rows.add(new Row("Java→PHP 1 MiB echo, incompressible, raw codec", "echoes/s", 5, 50, Contender.javaRawPhpEcho(big),
                ordered("parley", Contender.javaParleyPhpRaw(big, false), "parley, compression on (before)", Contender.javaParleyPhpRaw(big, true))));
        rows.add(new Row("Java→PHP 1 MiB echo, compressible, raw codec", "echoes/s", 5, 50, Contender.javaRawPhpEcho(bigTextBytes),
                ordered("parley", Contender.javaParleyPhpRaw(bigTextBytes, false), "parley, compression on (before)",
                        Contender.javaParleyPhpRaw(bigTextBytes, true))));
        rows.add(new Row("Java→PHP 1 MiB echo, JSON string", "echoes/s", 5, 30, Contender.javaRawPhpEcho(bigTextBytes),
                ordered("parley", Contender.javaParleyPhpJson(bigText, false), "parley, compression on (before)",
                        Contender.javaParleyPhpJson(bigText, true))));
        rows.add(new Row("Java→PHP 64 KiB echo, JSON string", "echoes/s", 20, 2_000,
                Contender.javaRawPhpEcho(midText.getBytes(StandardCharsets.US_ASCII)), Map.of("parley", Contender.javaParleyPhpJson(midText, false))));
        rows.add(new Row("PHP→Java 8 B notifications", "msgs/s", 2_000, 200_000, Contender.javaRawPhpStream(8),
                Map.of("parley", Contender.javaParleyPhpNotifications(8))));
        rows.add(new Row("PHP↔PHP 32 B call", "calls/s", 300, 20_000, Contender.phpPhp("raw", "echo", 32, false),
                Map.of("parley", Contender.phpPhp("parley", "echo", 32, false))));
        rows.add(new Row("PHP↔PHP 1 MiB echo, incompressible", "echoes/s", 5, 200, Contender.phpPhp("raw", "echo", MIB, true),
                Map.of("parley", Contender.phpPhp("parley", "echo", MIB, true))));
        rows.add(new Row("PHP→PHP 8 B notifications", "msgs/s", 2_000, 200_000, Contender.phpPhp("raw", "notify", 8, false),
                Map.of("parley", Contender.phpPhp("parley", "notify", 8, false))));
        for (String transport : full ? List.of("pipe", "unix", "tcp") : List.of("pipe")) {
            rows.add(new Row("Java↔Java 32 B call, " + transport, "calls/s", 300, 20_000, Contender.javaJava("raw", transport, small),
                    Map.of("parley", Contender.javaJava("parley", transport, small))));
        }
        rows.add(new Row("Java↔Java 1 MiB echo, incompressible, pipe", "echoes/s", 5, 200, Contender.javaJava("raw", "pipe", big),
                Map.of("parley", Contender.javaJava("parley", "pipe", big))));
        return rows;
    }

    private static Map<String, Contender> ordered(String n1, Contender c1, String n2, Contender c2) {
        Map<String, Contender> m = new LinkedHashMap<>();
        m.put(n1, c1);
        m.put(n2, c2);
        return m;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Path.of(opt.getOrDefault("out", "target/bench"));
        Files.createDirectories(out);
        if (args.length > 0 && args[0].equals("report")) {
            BenchReport.write(out);
            return;
        }
        if (args.length == 0 || !args[0].equals("run")) {
            System.err.println("usage: BenchSuite run --mode quick|full --label pinned|unpinned --out DIR [--rounds N] [--only TEXT]"
                    + " | BenchSuite report --out DIR");
            System.exit(2);
        }
        boolean full = opt.getOrDefault("mode", "quick").equals("full");
        String label = opt.getOrDefault("label", "unpinned");
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", full ? "5" : "1"));
        String only = opt.get("only");
        List<Row> rows = rows(full).stream().filter(r -> only == null || r.name().contains(only)).toList();
        int failures = 0;
        Path file = out.resolve("results-" + label + ".tsv");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("label\trow\tunit\tcontender\tround\tops_per_s");
            for (int round = 1; round <= rounds; round++) {
                for (Row row : rows) {
                    List<Map.Entry<String, Contender>> order = new ArrayList<>();
                    order.add(Map.entry(BenchReport.FLOOR, row.floor()));
                    order.addAll(row.contenders().entrySet());
                    if (round % 2 == 0) {
                        java.util.Collections.reverse(order);
                    }
                    for (Map.Entry<String, Contender> c : order) {
                        double rate;
                        try {
                            rate = c.getValue().run(row.count(full));
                        } catch (Exception | Error e) {
                            failures++;
                            rate = Double.NaN;
                            System.err.printf("FAILED %s / %s: %s%n", row.name(), c.getKey(), e);
                        }
                        w.printf(java.util.Locale.ROOT, "%s\t%s\t%s\t%s\t%d\t%.3f%n", label, row.name(), row.unit(), c.getKey(), round, rate);
                        w.flush();
                        System.out.printf(java.util.Locale.ROOT, "[%s round %d/%d] %-48s %-34s %12.1f %s%n", label, round, rounds, row.name(),
                                c.getKey(), rate, row.unit());
                    }
                }
            }
        }
        if (failures > 0) {
            System.err.println(failures + " measurement(s) failed: see above");
            System.exit(1);
        }
    }

    /** Writes a whole file (used by the report). */
    static void writeString(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
