package io.parley.samples.invoices;

import io.parley.pool.CallOutcome;
import io.parley.pool.PoolStats;
import io.parley.pool.RestartReason;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's closing table, at most 79 columns wide: what the caller saw ({@link BatchResult})
 * next to what the pool counted ({@link PoolStats}: calls by outcome, restarts by reason,
 * latency percentiles), per-worker throughput, and the files to read next.
 */
final class SummaryTable {
    private static final String RULE = "-".repeat(79);

    private SummaryTable() {
    }

    static void print(PrintStream out, BatchResult batch, PoolStats stats, Set<Long> initialPids, Path outputDir) {
        out.println();
        out.println("Summary");
        out.println(RULE);
        int orders = batch.rendered().size() + batch.rejected().size();
        row(out, "orders", String.format("%d: %d invoices rendered, %d rejected by the PHP code",
                orders, batch.rendered().size(), batch.rejected().size()));
        row(out, "pool calls", String.format("%d: %s", stats.totalCalls(), outcomes(stats.calls())));
        row(out, "errors", batch.rejected().isEmpty() ? "none"
                : String.format("%d typed (RemoteException), not retried", batch.rejected().size()));
        if (batch.killedPid() > 0) {
            row(out, "recovered", batch.retried() == 0
                    ? String.format("worker %d had sent its answer before it died: no call lost", batch.killedPid())
                    : String.format("%d call(s) died with worker %d; sent again", batch.retried(),
                            batch.killedPid()));
        }
        row(out, "restarts", restarts(stats.restarts()));
        row(out, "latency", String.format("p50 %s, p95 %s, p99 %s (per call, queue included)",
                ms(stats.latency().p50()), ms(stats.latency().p95()), ms(stats.latency().p99())));
        double seconds = batch.wall().toNanos() / 1e9;
        row(out, "wall time", String.format("%.1f s, %.1f invoices/s over %d workers",
                seconds, batch.rendered().size() / seconds, stats.workers().size()));
        out.println();
        out.printf("  %-12s %9s %11s %11s%n", "worker pid", "invoices", "line items", "invoices/s");
        batch.workers().forEach((pid, t) -> out.println(String.format("  %-12d %9d %11d %11.1f  %s",
                pid, t.invoices(), t.lines(), t.invoicesPerSecond(), note(pid, batch, initialPids)).stripTrailing()));
        out.println();
        batch.rejected().forEach((order, message) -> row(out, "rejected", message));
        out.println(fit("  invoices in " + relative(outputDir) + "/ (open one in a browser)"));
        out.println();
        out.println("Read next (in samples/java-parent-php-workers/)");
        out.println(RULE);
        readNext(out, "README.md", "what this demo shows, step by step");
        readNext(out, "src/main/java/.../InvoiceDemo.java", "the pool, the run, this table");
        readNext(out, "src/main/java/.../InvoiceBatch.java", "async calls, progress, retry");
        readNext(out, "php/invoice-worker.php", "the PHP worker, progress per line");
        readNext(out, "php/src/InvoiceCalculator.php", "taxes, discounts, currencies");
        readNext(out, "../../sdk-java/.../pool/package-info.java", "every pool option and error");
    }

    private static String outcomes(Map<CallOutcome, Long> calls) {
        List<String> parts = new ArrayList<>();
        calls.forEach((outcome, n) -> {
            if (n > 0) {
                parts.add(outcome.name().toLowerCase().replace('_', ' ') + " " + n);
            }
        });
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String restarts(Map<RestartReason, Long> restarts) {
        List<String> parts = new ArrayList<>();
        restarts.forEach((reason, n) -> {
            if (n > 0) {
                parts.add(reason.name().toLowerCase().replace('_', ' ') + " " + n);
            }
        });
        return parts.isEmpty() ? "none" : String.join(", ", parts) + " (others 0)";
    }

    private static String note(long pid, BatchResult batch, Set<Long> initialPids) {
        if (pid == batch.killedPid()) {
            return "SIGKILLed mid-run";
        }
        return initialPids.contains(pid) ? "" : "replacement";
    }

    private static String ms(Duration d) {
        return d.toNanos() < 10_000_000 ? String.format("%.1f ms", d.toNanos() / 1e6)
                : String.format("%d ms", d.toMillis());
    }

    /** A label and its value, the value wrapped at word boundaries to stay within 79 columns. */
    private static void row(PrintStream out, String label, String value) {
        String indent = " ".repeat(14);
        StringBuilder line = new StringBuilder(String.format("  %-11s ", label));
        for (String word : value.split(" ")) {
            if (line.length() + word.length() > 79 && line.length() > indent.length()) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder(indent);
            }
            line.append(word).append(' ');
        }
        out.println(fit(line.toString().stripTrailing()));
    }

    private static void readNext(PrintStream out, String file, String what) {
        out.println(fit(String.format("  %-42s %s", file, what)));
    }

    /** {@code target} relative to the working directory when it is below it. */
    private static String relative(Path target) {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        Path t = target.toAbsolutePath().normalize();
        return t.startsWith(cwd) && !t.equals(cwd) ? cwd.relativize(t).toString() : t.toString();
    }

    /** Cuts a line to 79 columns. */
    private static String fit(String line) {
        return line.length() <= 79 ? line : line.substring(0, 78) + "~";
    }
}
