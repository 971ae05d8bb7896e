package io.parley.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Turns the suite's {@code results-*.tsv} into {@code BENCHMARKS.md} (machine, then one table per
 * label: median and min–max per row and contender, and the median of the same-round ratios to the
 * floor) and {@code chart.png} (those ratios as bars).
 */
final class BenchReport {
    static final String FLOOR = "floor";

    /** Rates of one (label, row, contender) by round. */
    private record Key(String label, String row, String contender) {
    }

    private BenchReport() {
    }

    static void write(Path dir) throws IOException {
        Map<Key, Map<Integer, Double>> rates = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("results-.*\\.tsv")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no results-*.tsv in " + dir + ": run the suite first (scripts/bench.sh)");
        }
        Map<Key, String> notes = new LinkedHashMap<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] c = line.split("\t");
                if (c.length < 6 || c[0].equals("label")) {
                    continue;
                }
                units.put(c[1], c[2]);
                Key key = new Key(c[0], c[1], c[3]);
                rates.computeIfAbsent(key, k -> new TreeMap<>()).put(Integer.parseInt(c[4]), Double.parseDouble(c[5]));
                if (c.length > 6 && !c[6].isBlank() && !c[6].equals("failed")) {
                    notes.put(key, c[6]);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# Parley benchmarks\n\n").append("Written by `scripts/bench.sh` at ").append(Instant.now()).append(".\n\n");
        md.append(machine()).append('\n');
        md.append(EXPLANATION);
        DefaultCategoryDataset chart = new DefaultCategoryDataset();
        int charted = 0;
        for (String label : rates.keySet().stream().map(Key::label).distinct().toList()) {
            int rounds = rates.entrySet().stream().filter(e -> e.getKey().label().equals(label))
                    .mapToInt(e -> e.getValue().size()).max().orElse(0);
            md.append("## ").append(label).append(" (").append(rounds).append(rounds == 1 ? " round" : " rounds").append(")\n\n");
            md.append("| workload | contender | median | min–max | ratio to floor | ratio to parley pipe |\n|---|---|---:|---:|---:|---:|\n");
            for (String row : units.keySet()) {
                Map.Entry<Key, Map<Integer, Double>> floorEntry = rates.entrySet().stream()
                        .filter(e -> e.getKey().label().equals(label) && e.getKey().row().equals(row) && e.getKey().contender().startsWith(FLOOR))
                        .findFirst().orElse(null);
                if (floorEntry == null) {
                    continue;
                }
                Map<Integer, Double> floor = floorEntry.getValue();
                Map<Integer, Double> pipe = rates.get(new Key(label, row, "parley pipe"));
                md.append(line(row, floorEntry.getKey().contender(), floor, units.get(row), null, null, notes.get(floorEntry.getKey())));
                for (Map.Entry<Key, Map<Integer, Double>> e : rates.entrySet()) {
                    Key k = e.getKey();
                    if (k.label().equals(label) && k.row().equals(row) && !k.contender().startsWith(FLOOR)) {
                        Double ratio = ratio(e.getValue(), floor);
                        Double toPipe = pipe == null || !k.contender().startsWith("parley ") || k.contender().equals("parley pipe") ? null
                                : ratio(e.getValue(), pipe);
                        md.append(line(row, k.contender(), e.getValue(), units.get(row), ratio, toPipe, notes.get(k)));
                        if (ratio != null && k.contender().startsWith("parley") && !units.get(row).startsWith("×")) {
                            chart.addValue(ratio, label + ": " + k.contender(), row);
                            charted++;
                        }
                    }
                }
            }
            md.append('\n');
        }
        md.append("![ratio to the floor per workload](chart.png)\n");
        Files.writeString(dir.resolve("BENCHMARKS.md"), md.toString(), StandardCharsets.UTF_8);
        chart(chart, dir.resolve("chart.png"), charted);
        System.out.println("wrote " + dir.resolve("BENCHMARKS.md") + " and " + dir.resolve("chart.png"));
    }

    /** The median of the same-round ratios {@code values / base}; null when no round has both. */
    private static Double ratio(Map<Integer, Double> values, Map<Integer, Double> base) {
        List<Double> ratios = new ArrayList<>();
        values.forEach((round, v) -> {
            Double f = base.get(round);
            if (f != null && f > 0 && !v.isNaN() && !f.isNaN()) {
                ratios.add(v / f);
            }
        });
        return ratios.isEmpty() ? null : median(ratios);
    }

    private static final String EXPLANATION = """
            Every figure is a rate (operations per second, or MB/s each way; higher is better) measured
            with fresh processes, in rounds that run every row once, floor and contenders side by side (in
            alternating order). Each row gives the median and min–max over the rounds; **ratio to floor**
            is the median of the same-round ratios contender / floor (1.00 = as fast as the floor), **ratio
            to parley pipe** the same against Parley over a pipe in the same row (issue 9's ring targets:
            ≥ 2× on 1 MiB Java→PHP, ≥ 3× on 64 B one-way Java→PHP). *pinned*: every process on one core
            (`taskset -c 0`, the children inherit it); *unpinned*: the scheduler places them (on a VM a
            cross-core wake-up costs far more than a same-core switch, so unpinned spreads are wide).
            Rows ending in "peak RSS growth" give the peak resident set (VmHWM) minus the resident set
            after warming up, as a multiple of the payload (lower is better; goal ≤ 1.25×).

            The floors (named in each row; none uses a library, each moves a 4-byte length and the body):
            - **raw Java DataStreams ↔ raw-echo.php**: a Java parent writes length + body through a
              DataOutputStream and reads the answer with `readFully` of the known length;
              `sdk-java/benchmarks/php/raw-echo.php` reads small frames through PHP's read buffer (one `read()` gets
              header and body) and a body of 64 KiB or more with the buffer off, straight into one string of
              the known length (`stream_get_contents($in, $length)`: no 8 KiB chunks, no concatenation),
              and writes each answer with one `fwrite` (two for large bodies, to avoid a copy).
            - **raw Java DataStreams ↔ raw Java child**: the same between two JVMs (`BenchPeer raw`).
            - **raw PHP streams ↔ …**: a plain-PHP parent (`php-pair.php raw`) with the same reads and writes
              as raw-echo.php, over the pipe, Unix socket or TCP connection of the row.
            - **C ping-pong (limit)**: `sdk-java/benchmarks/c/pingpong.c`, one `write` and one `read` of 32 bytes per
              direction between two C processes, compiled at run time when a C compiler exists (otherwise
              "no C compiler"): what the kernel allows, shown as a contender so its ratio says how far the
              raw floor itself is from the machine's limit.
            - **one plain session** (pool row): a Parley session calling one PHP worker, one call at a time;
              the pool rows' ratio is their scaling over it.
            "compression on (before)" is the old default (automatic compression on local transports).
            "parley shm" is the shared-memory ring (SPEC §9.4) with its default spin (20 µs) before it
            parks; "parked (spin 0)" parks at once; "spinning" (unpinned only) spins 5 ms.

            """;

    private static String line(String row, String contender, Map<Integer, Double> byRound, String unit, Double ratio, Double toPipe,
            String note) {
        List<Double> v = byRound.values().stream().filter(d -> !d.isNaN()).sorted().toList();
        if (v.isEmpty()) {
            return String.format("| %s | %s | %s | | | |%n", row, contender, note != null ? note : "failed");
        }
        double m = median(v);
        String perCall = unit.equals("calls/s") && m > 0 ? String.format(Locale.ROOT, " (%.1f µs)", 1e6 / m) : "";
        return String.format(Locale.ROOT, "| %s | %s | %s %s%s | %s–%s | %s | %s |%n", row, contender, fmt(m), unit, perCall, fmt(v.get(0)),
                fmt(v.get(v.size() - 1)), ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio),
                toPipe == null ? "" : String.format(Locale.ROOT, "%.2f", toPipe));
    }

    private static String fmt(double d) {
        return d >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, d >= 10 ? "%.1f" : "%.2f", d);
    }

    static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void chart(DefaultCategoryDataset data, Path file, int bars) throws IOException {
        JFreeChart chart = ChartFactory.createBarChart("Parley / its row's floor (same-round median ratio; 1.0 = the floor)", null, "ratio to floor",
                data, PlotOrientation.HORIZONTAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker one = new ValueMarker(1.0);
        one.setPaint(Color.DARK_GRAY);
        plot.addRangeMarker(one);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1400, Math.max(500, 120 + bars * 14));
    }

    /** The machine, for the header: CPUs, model, kernel, load, JVM and PHP versions. */
    private static String machine() {
        StringBuilder sb = new StringBuilder("| machine | |\n|---|---|\n");
        sb.append("| CPUs | ").append(Runtime.getRuntime().availableProcessors()).append(" (").append(cpuModel()).append(") |\n");
        sb.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(" |\n");
        sb.append("| load average (at report time) | ").append(String.format(Locale.ROOT, "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())).append(" |\n");
        sb.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version")).append(" |\n");
        sb.append("| PHP | ").append(phpVersion()).append(" |\n");
        return sb.toString();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String phpVersion() {
        try {
            Process p = new ProcessBuilder(Contender.php(), "-r", "echo PHP_VERSION, ' ', ini_get('opcache.enable_cli') ? 'opcache' : 'no opcache';")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException e) {
            return "? (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
