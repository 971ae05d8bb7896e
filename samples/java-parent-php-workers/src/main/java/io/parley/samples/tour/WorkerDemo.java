package io.parley.samples.tour;

import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.DeadlineExceededException;
import io.parley.Handlers;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The main job, on defaults: a Java parent launches PHP workers over their stdio and calls them.
 *
 * <p>Shows every everyday pattern once: concurrent calls spread over the workers, a typed error
 * from PHP, a PHP handler calling back into Java, a progress stream, cancellation, a deadline,
 * notifications both ways, PHP output that must not corrupt the stream, and a graceful close.
 *
 * <pre>
 * java io.parley.samples.tour.WorkerDemo [--workers N] [--php /usr/bin/php] [--worker php/tour-worker.php]
 * </pre>
 */
public final class WorkerDemo {

    public static void main(String[] args) throws Exception {
        int workers = 2;
        String php = System.getenv().getOrDefault("PARLEY_PHP", "php");
        Path script = locateWorker();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--php" -> php = args[++i];
                case "--worker" -> script = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: WorkerDemo [--workers N] [--php PHP] [--worker worker.php]");
            }
        }

        AtomicInteger flushedAcks = new AtomicInteger();
        CountDownLatch allFlushed = new CountDownLatch(workers);
        // What Java serves to the PHP side: PHP handlers may call these and await them.
        Handlers javaSide = new Handlers()
                .onRequest("rates.lookup", Map.class, (p, ctx) -> rate(p.get("from"), p.get("to")))
                .onNotification("cache.flushed", Map.class, (p, session) -> {
                    flushedAcks.incrementAndGet();
                    allFlushed.countDown();
                    say("  <- notification cache.flushed from worker %s: keys %s", p.get("worker_pid"), p.get("keys"));
                })
                .onNotification("$/log", Map.class, (p, session) ->
                        say("  <- $/log [%s] %s", p.get("level"), String.valueOf(p.get("message")).strip()));

        say("Parley demo: launching %d PHP worker(s): %s %s", workers, php, script);
        List<Session> pool = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                ChildProcessTransport child = ChildProcessTransport.launch(List.of(php, script.toString()));
                Session session = Session.builder(child).handlers(javaSide).open();
                say("  worker %d: pid %d, peer %s", i, child.processHandle().pid(), session.peer().name());
                pool.add(session);
            }

            section("1. Concurrent calls, spread over the workers");
            List<CallFuture<Map>> totals = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Map<String, Object> invoice = Map.of("vat_percent", 20, "lines",
                        List.of(Map.of("cents", 1999 + i, "qty", 3), Map.of("cents", 500, "qty", i + 1)));
                totals.add(pool.get(i % pool.size()).callAsync("invoice.total", invoice, Map.class));
            }
            for (CallFuture<Map> f : totals) {
                Map<?, ?> t = f.join();
                say("  invoice.total -> net %s, vat %s, gross %s (worker %s)", t.get("net"), t.get("vat"), t.get("gross"), t.get("worker_pid"));
            }

            Session first = pool.get(0);
            section("2. A typed error from PHP");
            try {
                first.call("invoice.total", Map.of("vat_percent", 20, "lines", List.of(Map.of("cents", "12.5"))), Map.class);
            } catch (RemoteException e) {
                say("  invoice.total -> error %d: %s", e.code(), e.errorMessage());
            }

            section("3. PHP calls back into Java while handling a call");
            Map<?, ?> converted = first.call("invoice.convert", Map.of("amount", 120.0, "from", "EUR", "to", "CHF"), Map.class);
            say("  invoice.convert -> %s %s (rate %s looked up in Java)", converted.get("amount"), converted.get("currency"), converted.get("rate"));

            section("4. Progress");
            String report = first.call("report.build", Map.of("sections", 5), String.class,
                    CallOptions.none().withProgress(p -> say("  <- progress %s", p.as(Map.class).get("message"))));
            say("  report.build -> %d lines", report.lines().count());

            section("5. Cancellation");
            CountDownLatch twoSections = new CountDownLatch(2);
            CallFuture<String> long1 = first.callAsync("report.build", Map.of("sections", 1000), String.class,
                    CallOptions.none().withProgress(p -> twoSections.countDown()));
            twoSections.await(10, TimeUnit.SECONDS);
            long1.cancel(true);
            try {
                long1.join();
            } catch (CancellationException e) {
                say("  report.build (1000 sections) cancelled after 2 sections; the worker stopped it");
            }

            section("6. Deadline");
            try {
                first.call("report.build", Map.of("sections", 1000), String.class, CallOptions.timeout(Duration.ofMillis(300)));
            } catch (DeadlineExceededException e) {
                say("  report.build with a 300 ms deadline -> %s", e.getMessage());
            }

            section("7. Notifications both ways");
            for (Session s : pool) {
                s.notify("cache.flush", Map.of("keys", List.of("prices", "stock")));
            }
            allFlushed.await(10, TimeUnit.SECONDS);
            say("  %d of %d workers acknowledged", flushedAcks.get(), pool.size());

            section("8. PHP output that would corrupt a naive stream");
            String html = first.call("template.render", Map.of("name", "Ada <admin>"), String.class);
            say("  template.render -> %s", html);

            section("9. Throughput: 20 000 small calls over %d worker(s), 64 in flight each", pool.size());
            long t0 = System.nanoTime();
            int n = 20_000;
            List<CallFuture<Map>> inFlight = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inFlight.add(pool.get(i % pool.size()).callAsync("invoice.total",
                        Map.of("vat_percent", 7, "lines", List.of(Map.of("cents", i, "qty", 1))), Map.class));
                if (inFlight.size() == 64 * pool.size()) {
                    inFlight.forEach(CallFuture::join);
                    inFlight.clear();
                }
            }
            inFlight.forEach(CallFuture::join);
            double secs = (System.nanoTime() - t0) / 1e9;
            say("  %d calls in %.2f s = %,.0f calls/s", n, secs, n / secs);
        } finally {
            section("Closing: GOODBYE, drain, workers exit");
            for (Session s : pool) {
                s.close();
            }
        }
        say("done.");
    }

    private static double rate(Object from, Object to) {
        return "EUR".equals(from) && "CHF".equals(to) ? 0.94 : 1.0;
    }

    private static Path locateWorker() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("samples/java-parent-php-workers/php/tour-worker.php");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return Path.of("samples/java-parent-php-workers/php/tour-worker.php");
    }

    private static void section(String format, Object... args) {
        System.out.println();
        System.out.println(String.format(format, args));
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }

    private WorkerDemo() {
    }
}
