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
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] c = line.split("\t");
                if (c.length < 6 || c[0].equals("label")) {
                    continue;
                }
                units.put(c[1], c[2]);
                rates.computeIfAbsent(new Key(c[0], c[1], c[3]), k -> new TreeMap<>()).put(Integer.parseInt(c[4]), Double.parseDouble(c[5]));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# Parley benchmarks\n\n").append("Written by `scripts/bench.sh` at ").append(Instant.now()).append(".\n\n");
        md.append(machine()).append('\n');
        md.append("""
                Every figure is a rate (operations per second, higher is better) measured with fresh processes,
                in rounds that run every row once, floor and contenders side by side. **ratio** is the median of
                the same-round ratios contender / floor (1.00 = as fast as the floor). *pinned*: both processes
                on one core (`taskset -c 0`, the children inherit it); *unpinned*: the scheduler places them.
                Floors: `raw-echo.php` (a length-prefixed echo in plain PHP, no library) driven by a Java
                DataStream echo (Java→PHP, PHP→Java rows) or by plain PHP (PHP↔PHP rows); a raw Java
                length-prefixed echo between two JVMs (Java↔Java rows). "compression on (before)" is the old
                default (automatic compression on local transports), measured in the same rounds.

                """);
        DefaultCategoryDataset chart = new DefaultCategoryDataset();
        for (String label : rates.keySet().stream().map(Key::label).distinct().toList()) {
            int rounds = rates.entrySet().stream().filter(e -> e.getKey().label().equals(label))
                    .mapToInt(e -> e.getValue().size()).max().orElse(0);
            md.append("## ").append(label).append(" (").append(rounds).append(rounds == 1 ? " round" : " rounds").append(")\n\n");
            md.append("| workload | contender | median | min–max | ratio to floor |\n|---|---|---:|---:|---:|\n");
            for (String row : units.keySet()) {
                Map<Integer, Double> floor = rates.get(new Key(label, row, FLOOR));
                if (floor == null) {
                    continue;
                }
                md.append(line(row, FLOOR + " (raw)", floor, units.get(row), null));
                for (Map.Entry<Key, Map<Integer, Double>> e : rates.entrySet()) {
                    Key k = e.getKey();
                    if (k.label().equals(label) && k.row().equals(row) && !k.contender().equals(FLOOR)) {
                        List<Double> ratios = new ArrayList<>();
                        e.getValue().forEach((round, v) -> {
                            Double f = floor.get(round);
                            if (f != null && f > 0 && !v.isNaN() && !f.isNaN()) {
                                ratios.add(v / f);
                            }
                        });
                        Double ratio = ratios.isEmpty() ? null : median(ratios);
                        md.append(line(row, k.contender(), e.getValue(), units.get(row), ratio));
                        if (ratio != null) {
                            chart.addValue(ratio, label + ": " + k.contender(), row);
                        }
                    }
                }
            }
            md.append('\n');
        }
        md.append("![ratio to the floor per workload](chart.png)\n");
        Files.writeString(dir.resolve("BENCHMARKS.md"), md.toString(), StandardCharsets.UTF_8);
        chart(chart, dir.resolve("chart.png"), units.size());
        System.out.println("wrote " + dir.resolve("BENCHMARKS.md") + " and " + dir.resolve("chart.png"));
    }

    private static String line(String row, String contender, Map<Integer, Double> byRound, String unit, Double ratio) {
        List<Double> v = byRound.values().stream().filter(d -> !d.isNaN()).sorted().toList();
        if (v.isEmpty()) {
            return String.format("| %s | %s | failed | | |%n", row, contender);
        }
        return String.format(Locale.ROOT, "| %s | %s | %s %s | %s–%s | %s |%n", row, contender, fmt(median(v)), unit, fmt(v.get(0)),
                fmt(v.get(v.size() - 1)), ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio));
    }

    private static String fmt(double d) {
        return d >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
    }

    static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void chart(DefaultCategoryDataset data, Path file, int rows) throws IOException {
        JFreeChart chart = ChartFactory.createBarChart("Parley / raw floor (same-round median ratio; 1.0 = the floor)", null, "ratio to floor",
                data, PlotOrientation.HORIZONTAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker one = new ValueMarker(1.0);
        one.setPaint(Color.DARK_GRAY);
        plot.addRangeMarker(one);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, Math.max(500, 90 + rows * 70));
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
