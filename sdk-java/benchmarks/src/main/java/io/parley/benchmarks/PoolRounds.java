package io.parley.benchmarks;

import io.parley.Session;
import io.parley.pool.WorkerPool;
import io.parley.transport.ChildProcessTransport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Same-run, interleaved comparisons of the pool against its floors (a busy shared machine makes
 * separate JMH trials drift apart; interleaving rounds and taking medians keeps the ratios
 * honest):
 *
 * <ul>
 * <li>{@code overhead}: µs per no-op call, one at a time: a direct blocking {@code Session.call}
 *     (the floor), {@code WorkerPool.call} (blocking, runs on the caller's thread), and
 *     {@code WorkerPool.callAsync().join()} (the asynchronous path, a thread hand-off).</li>
 * <li>{@code scaling}: CPU-bound calls/s, 2 workers / 1 worker, for the pool and, as the floor
 *     the machine allows, for 1 and 2 plain sessions driven by as many threads.</li>
 * </ul>
 *
 * Run from the repository root: {@code java -cp "$CP" io.parley.benchmarks.PoolRounds overhead 15}
 * (or {@code scaling 7}).
 */
public final class PoolRounds {
    private PoolRounds() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "overhead";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        if (what.equals("overhead")) {
            overhead(rounds);
        } else {
            scaling(rounds);
        }
        System.exit(0);
    }

    private static void overhead(int rounds) throws Exception {
        int n = 2000;
        try (WorkerPool pool = PhpPool.start(1, null);
                Session direct = Session.builder(ChildProcessTransport.launch(PhpPool.command())).open()) {
            LongSupplier session = () -> time(n, () -> direct.call("noop", PhpPool.NOOP, Object.class));
            LongSupplier sync = () -> time(n, () -> pool.call("noop", PhpPool.NOOP, Object.class));
            LongSupplier async = () -> time(n, () -> pool.callAsync("noop", PhpPool.NOOP, Object.class).join());
            session.getAsLong();
            sync.getAsLong();
            async.getAsLong();
            double[] s = new double[rounds];
            double[] p = new double[rounds];
            double[] a = new double[rounds];
            double[] rp = new double[rounds];
            double[] ra = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                s[r] = session.getAsLong() / 1000.0 / n;
                p[r] = sync.getAsLong() / 1000.0 / n;
                a[r] = async.getAsLong() / 1000.0 / n;
                rp[r] = p[r] / s[r];
                ra[r] = a[r] / s[r];
                System.out.printf("round %2d: session %.1f us, pool.call %.1f us (%.3fx), pool.callAsync %.1f us (%.3fx)%n", r,
                        s[r], p[r], rp[r], a[r], ra[r]);
            }
            System.out.printf("median: session %.1f us, pool.call %.1f us, ratio %.3f; pool.callAsync %.1f us, ratio %.3f%n",
                    median(s), median(p), median(rp), median(a), median(ra));
        }
    }

    private static void scaling(int rounds) throws Exception {
        int calls = 64;
        double[] pr = new double[rounds];
        double[] sr = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double p1 = poolRate(1, calls);
            double p2 = poolRate(2, calls);
            double s1 = sessionRate(1, calls);
            double s2 = sessionRate(2, calls);
            pr[r] = p2 / p1;
            sr[r] = s2 / s1;
            System.out.printf("round %d: pool 1w %.0f/s 2w %.0f/s (%.2fx); sessions 1 %.0f/s 2 %.0f/s (%.2fx); load %s%n", r, p1, p2,
                    pr[r], s1, s2, sr[r], load());
        }
        System.out.printf("median scaling: pool %.2fx, plain sessions (the machine's floor) %.2fx%n", median(pr), median(sr));
    }

    private static double poolRate(int workers, int calls) throws Exception {
        try (WorkerPool pool = PhpPool.start(workers, null)) {
            batch(pool, 8);
            long t0 = System.nanoTime();
            batch(pool, calls);
            return calls * 1e9 / (System.nanoTime() - t0);
        }
    }

    private static void batch(WorkerPool pool, int calls) {
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            fs.add(pool.callAsync("work", PhpPool.WORK, Long.class));
        }
        fs.forEach(CompletableFuture::join);
    }

    private static double sessionRate(int sessions, int calls) throws Exception {
        Session[] ss = new Session[sessions];
        for (int i = 0; i < sessions; i++) {
            ss[i] = Session.builder(ChildProcessTransport.launch(PhpPool.command())).open();
        }
        try {
            for (Session s : ss) {
                s.call("work", PhpPool.WORK, Long.class);
            }
            Thread[] ts = new Thread[sessions];
            long t0 = System.nanoTime();
            for (int i = 0; i < sessions; i++) {
                Session s = ss[i];
                ts[i] = new Thread(() -> {
                    for (int k = 0; k < calls / sessions; k++) {
                        s.call("work", PhpPool.WORK, Long.class);
                    }
                });
                ts[i].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            return calls * 1e9 / (System.nanoTime() - t0);
        } finally {
            for (Session s : ss) {
                s.close();
            }
        }
    }

    private static long time(int n, Runnable r) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        return System.nanoTime() - t0;
    }

    private static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static String load() {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
