package io.parley.samples.invoices;

import io.parley.pool.PoolListener;
import io.parley.pool.PoolStats;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerPool;
import io.parley.pool.WorkerStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The main job, on defaults: a Java parent starts a pool of PHP workers and has them render a
 * batch of invoices, with a live progress bar fed by the workers' progress events; one worker is
 * SIGKILLed mid-run and the pool recovers; a summary table closes the run.
 *
 * <p>Read in this order: {@link #run} (start the pool, run the batch, print the summary), then
 * {@link InvoiceBatch} (the calls), then {@code php/invoice-worker.php} (the PHP side).
 *
 * <pre>
 * ./mvnw -B -q -Pdemo -pl samples/java-parent-php-workers -am -DskipTests verify
 * java io.parley.samples.invoices.InvoiceDemo [--orders N] [--pace-ms MS] [--no-kill] [--plain|--tty]
 * </pre>
 */
public final class InvoiceDemo {

    private InvoiceDemo() {
    }

    /** Runs the demo; exits with status 2 on a bad command line, 1 when the run fails (with why). */
    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(options, System.out);
        } catch (IOException | RuntimeException e) {
            System.out.flush();
            System.err.println("demo failed: " + e);
            System.err.println("(is PHP >= 8.2 installed? the demo runs '" + options.php() + " "
                    + options.workerScript() + "'; set PARLEY_PHP or --php to use another binary)");
            System.exit(1);
        }
    }

    /**
     * The pool's statistics once they count every call the batch made: the pool completes a
     * call's future before it books the outcome, so a snapshot taken at once may miss the last.
     */
    private static PoolStats settledStats(WorkerPool pool, BatchResult batch) throws InterruptedException {
        long expected = batch.rendered().size() + batch.rejected().size() + batch.retried();
        PoolStats stats = pool.stats();
        for (int i = 0; i < 100 && stats.totalCalls() < expected; i++) {
            Thread.sleep(10);
            stats = pool.stats();
        }
        return stats;
    }

    /**
     * What a run did: the batch as the caller saw it, and the pool's own count at the end.
     *
     * @param batch       the calls, from the caller's side
     * @param stats       the pool's statistics after the batch
     * @param initialPids the workers the pool started with
     */
    public record DemoResult(BatchResult batch, PoolStats stats, Set<Long> initialPids) {
    }

    /** Runs the demo with {@code options}, writing to {@code out}; returns what it did. */
    public static DemoResult run(DemoOptions options, PrintStream out) throws IOException, InterruptedException {
        List<Order> orders = Order.readAll(options.dataDir().resolve("orders.json"));
        if (options.orders() > 0 && options.orders() < orders.size()) {
            orders = orders.subList(0, options.orders());
        }
        Files.createDirectories(options.outputDir());
        long lines = orders.stream().mapToLong(Order::lines).sum();
        out.printf("Parley demo: %d orders (%d line items) from the sample's data/orders.json%n",
                orders.size(), lines);

        ProgressDisplay display = ProgressDisplay.create(options.display(), out);
        AtomicReference<ProgressDisplay> events = new AtomicReference<>();
        // 1. Start the pool: the PHP command, everything else on defaults (one worker per CPU,
        //    one call at a time per worker, restart on crash with backoff).
        WorkerPool.Builder builder = WorkerPool.builder()
                .command(List.of(options.php(), options.workerScript().toString()))
                .listener(new PoolListener() {
                    @Override
                    public void workerStarted(WorkerStats worker) {
                        ProgressDisplay d = events.get();
                        if (d != null) {
                            d.event("worker " + worker.pid() + " started: capacity back to full");
                            d.status("new " + worker.pid());
                        }
                    }

                    @Override
                    public void workerStopped(WorkerStats worker, RestartReason reason, String detail) {
                        ProgressDisplay d = events.get();
                        if (d != null) {
                            d.event("worker " + worker.pid() + " gone (" + reason.name().toLowerCase()
                                    + "); the pool restarts it");
                        }
                    }
                });
        if (options.workers() > 0) {
            builder.workers(options.workers());
        }
        long t0 = System.nanoTime();
        try (WorkerPool pool = builder.start()) {
            PoolStats started = pool.stats();
            Set<Long> initialPids = started.workers().stream().map(WorkerStats::pid).collect(Collectors.toSet());
            out.printf("Started %d PHP workers in %d ms (pids %s)%n", initialPids.size(),
                    (System.nanoTime() - t0) / 1_000_000,
                    initialPids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")));

            // 2. Send the batch: one async call per order, progress per line item.
            events.set(display);
            BatchResult result = new InvoiceBatch(pool, options, display).run(orders);
            events.set(null);

            // 3. The summary: what the caller saw, and what the pool counted.
            PoolStats end = settledStats(pool, result);
            SummaryTable.print(out, result, end, initialPids, options.outputDir());
            return new DemoResult(result, end, initialPids);
        } finally {
            display.close();
        }
    }
}
