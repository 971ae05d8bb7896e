package io.parley.samples.invoices;

import io.parley.CallOptions;
import io.parley.Payload;
import io.parley.RemoteException;
import io.parley.pool.WorkerCrashedException;
import io.parley.pool.WorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a batch of orders to the pool, one {@code invoice.render} call each, and turns the
 * workers' progress events into one progress figure (line items priced).
 *
 * <p>What to look at: {@link #send} makes an async pool call with a progress listener; a call
 * that fails because its worker died ({@link WorkerCrashedException}) is sent again — safe here
 * since rendering an invoice twice writes the same file — while a typed error from the PHP code
 * ({@link RemoteException}) is a business answer and is not retried. Once a third of the work is
 * done, the worker that just reported progress is SIGKILLed, mid-call, to show the recovery.
 */
final class InvoiceBatch {
    /** Calls a crashed call is tried again before the batch gives up on that order. */
    private static final int MAX_ATTEMPTS = 5;

    private final WorkerPool pool;
    private final DemoOptions options;
    private final ProgressDisplay display;
    private final AtomicLong linesDone = new AtomicLong();
    private final Map<String, AtomicInteger> linesByOrder = new ConcurrentHashMap<>();
    private final List<RenderedInvoice> rendered = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> rejected = new ConcurrentHashMap<>();
    private final Map<Long, long[]> activity = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicBoolean killed = new AtomicBoolean();
    private final AtomicLong killedPid = new AtomicLong(-1);
    private long totalLines;
    private long startNanos;

    InvoiceBatch(WorkerPool pool, DemoOptions options, ProgressDisplay display) {
        this.pool = pool;
        this.options = options;
        this.display = display;
    }

    /** Renders every order; returns when each has an invoice or a definite error. */
    BatchResult run(List<Order> orders) throws InterruptedException {
        totalLines = orders.stream().mapToLong(Order::lines).sum();
        // One call in flight per worker: every worker stays busy (the next call leaves as soon as
        // an answer comes back) and the latency figures show the work, not a queue.
        int workers = Math.max(1, pool.stats().workers().size());
        Semaphore window = new Semaphore(workers);
        CountDownLatch finished = new CountDownLatch(orders.size());
        startNanos = System.nanoTime();
        display.start("Invoicing", totalLines);
        for (Order order : orders) {
            window.acquire();
            send(order, 1, () -> {
                window.release();
                finished.countDown();
            });
        }
        if (!finished.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(finished.getCount() + " calls still open after 5 minutes");
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
        display.close();
        return new BatchResult(wall, List.copyOf(rendered), Map.copyOf(rejected), retried.get(), killedPid.get(),
                tallies());
    }

    private void send(Order order, int attempt, Runnable done) {
        Map<String, Object> params = Map.of("order", order.json(),
                "out_dir", options.outputDir().toString(),
                "pace_ms", options.paceMs());
        CallOptions progress = CallOptions.none().withProgress(p -> onProgress(order, p));
        pool.callAsync("invoice.render", params, RenderedInvoice.class, progress).whenComplete((invoice, error) -> {
            if (error == null) {
                rendered.add(invoice);
                touch(invoice.workerPid(), invoice.lines(), true);
                done.run();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // The lines this attempt reported are undone: the next attempt reports them again.
            int reported = linesByOrder.computeIfAbsent(order.id(), k -> new AtomicInteger()).getAndSet(0);
            if (cause instanceof WorkerCrashedException && attempt < MAX_ATTEMPTS) {
                retried.incrementAndGet();
                display.progress(linesDone.addAndGet(-reported));
                // A short pause first, growing per attempt: the retry should find the
                // replacement, not race the pool's bookkeeping of the worker that just died.
                Executor later = CompletableFuture.delayedExecutor(50L * attempt, TimeUnit.MILLISECONDS);
                later.execute(() -> send(order, attempt + 1, done));
                return;
            }
            String message = cause instanceof RemoteException r ? r.errorMessage() : String.valueOf(cause.getMessage());
            rejected.put(order.id(), message);
            // A refused order counts as handled: its lines move the bar to the end.
            display.progress(linesDone.addAndGet(order.lines() - reported));
            done.run();
        });
    }

    private void onProgress(Order order, Payload payload) {
        LineProgress p = payload.as(LineProgress.class);
        AtomicInteger reported = linesByOrder.computeIfAbsent(order.id(), k -> new AtomicInteger());
        int before = reported.getAndSet(p.line());
        long done = linesDone.addAndGet(p.line() - before);
        touch(p.pid(), 0, false);
        display.progress(done);
        // Not on the last line: the worker may already be sending its answer then.
        if (options.kill() && done * 3 >= totalLines && p.line() < p.lines() && killed.compareAndSet(false, true)) {
            killMidCall(p);
        }
    }

    /** SIGKILL (ProcessHandle.destroyForcibly on Linux) for the worker that is pricing {@code p}. */
    private void killMidCall(LineProgress p) {
        ProcessHandle.of(p.pid()).ifPresent(worker -> {
            killedPid.set(p.pid());
            display.event(String.format("SIGKILL worker %d mid-call (order %s, line %d of %d)",
                    p.pid(), p.order(), p.line(), p.lines()));
            display.status("killed " + p.pid());
            worker.destroyForcibly();
        });
    }

    private void touch(long pid, int lines, boolean answered) {
        long now = System.nanoTime();
        synchronized (activity) {
            long[] a = activity.computeIfAbsent(pid, k -> new long[] {now, now, 0, 0});
            a[1] = Math.max(a[1], now);
            if (answered) {
                a[2]++;
                a[3] += lines;
            }
        }
    }

    private Map<Long, BatchResult.WorkerTally> tallies() {
        Map<Long, BatchResult.WorkerTally> result = new LinkedHashMap<>();
        synchronized (activity) {
            activity.forEach((pid, a) -> result.put(pid,
                    new BatchResult.WorkerTally((int) a[2], a[3], Duration.ofNanos(a[1] - a[0]))));
        }
        return result;
    }
}
