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
 * The benchmark command's runner ({@code scripts/bench.sh}): every row of the matrix ({@link BenchRows}) with its floor
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
    /**
     * One row: a workload, its floor (named in the report) and the contenders, with operation counts
     * for quick and full mode; {@code quick}: also run in quick mode.
     */
    record Row(String name, String unit, int quickCount, int fullCount, String floorName, Contender floor,
            Map<String, Contender> contenders, boolean quick) {
        int count(boolean full) {
            return full ? fullCount : quickCount;
        }
    }

    /** A further figure of the last measurement (a peak RSS, ...), reported as a row of its own. */
    record Extra(String name, String unit, double value) {
    }

    /** Further figures of the measurement under way; the suite clears it before each one. */
    static final List<Extra> EXTRAS = java.util.Collections.synchronizedList(new ArrayList<>());

    static void extra(String name, String unit, double value) {
        EXTRAS.add(new Extra(name, unit, value));
    }

    private BenchSuite() {
    }

    /** The repository root: the nearest directory upwards with sdk-java/benchmarks/php. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("sdk-java/benchmarks/php"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the Parley repository (sdk-java/benchmarks/php not found above " + Path.of("").toAbsolutePath() + ")");
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

    /** The rows of a run; "pinned" runs leave out the spinning contenders (one core). */
    static List<Row> rows(String label) {
        return BenchRows.all(!label.equals("pinned"));
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
        List<Row> rows = rows(label).stream().filter(r -> full || r.quick()).filter(r -> only == null || r.name().contains(only)).toList();
        int failures = 0;
        Path file = out.resolve("results-" + label + ".tsv");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("label\trow\tunit\tcontender\tround\tops_per_s\tnote");
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
                        String note = "";
                        EXTRAS.clear();
                        try {
                            rate = c.getValue().run(row.count(full));
                        } catch (Contender.Skipped e) {
                            rate = Double.NaN;
                            note = e.getMessage();
                        } catch (Exception | Error e) {
                            failures++;
                            rate = Double.NaN;
                            note = "failed";
                            System.err.printf("FAILED %s / %s: %s%n", row.name(), c.getKey(), e);
                        }
                        String name = c.getKey().equals(BenchReport.FLOOR) ? BenchReport.FLOOR + ": " + row.floorName() : c.getKey();
                        w.printf(java.util.Locale.ROOT, "%s\t%s\t%s\t%s\t%d\t%.3f\t%s%n", label, row.name(), row.unit(), name, round, rate, note);
                        for (Extra x : List.copyOf(EXTRAS)) {
                            w.printf(java.util.Locale.ROOT, "%s\t%s\t%s\t%s\t%d\t%.3f\t%n", label, row.name() + ": " + x.name(), x.unit(), name,
                                    round, x.value());
                        }
                        w.flush();
                        System.out.printf(java.util.Locale.ROOT, "[%s round %d/%d] %-48s %-34s %12.1f %s %s%n", label, round, rounds, row.name(),
                                c.getKey(), rate, row.unit(), note);
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
