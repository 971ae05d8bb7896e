package io.parley.benchmarks;

import io.parley.Session;
import io.parley.pool.WorkerPool;
import io.parley.transport.ChildProcessTransport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * The pool rows ({@code io.parley.pool.WorkerPool} with PHP workers, {@code sdk-java/benchmarks/php/pool-worker.php}):
 * a no-op call one at a time (the pool's own per-call cost), and CPU-bound calls (~2 ms of PHP
 * arithmetic each) with 16 in flight (how the work spreads over the workers).
 */
final class PoolRows {
    static final int IN_FLIGHT = 16;

    private PoolRows() {
    }

    /** No-op calls one at a time through a pool of {@code workers}. */
    static Contender noop(int workers) {
        return count -> {
            try (WorkerPool pool = PhpPool.start(workers, null)) {
                for (int i = 0; i < Math.max(1, count / 10); i++) {
                    pool.call("noop", PhpPool.NOOP, Object.class);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    pool.call("noop", PhpPool.NOOP, Object.class);
                }
                return Contender.perSecond(count, t0);
            }
        };
    }

    /** The same no-op calls through one plain session to the same worker script (no pool). */
    static Contender noopSession() {
        return count -> {
            try (Session s = Session.builder(ChildProcessTransport.launch(PhpPool.command())).heartbeat(Duration.ZERO).open()) {
                for (int i = 0; i < Math.max(1, count / 10); i++) {
                    s.call("noop", PhpPool.NOOP, Object.class);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    s.call("noop", PhpPool.NOOP, Object.class);
                }
                return Contender.perSecond(count, t0);
            }
        };
    }

    /** CPU-bound calls, {@link #IN_FLIGHT} in flight, through a pool of {@code workers}. */
    static Contender work(int workers) {
        return count -> {
            try (WorkerPool pool = PhpPool.start(workers, null)) {
                pool.call("work", PhpPool.WORK, Integer.class);
                long t0 = System.nanoTime();
                Deque<CompletableFuture<Integer>> window = new ArrayDeque<>();
                for (int i = 0; i < count; i++) {
                    if (window.size() == IN_FLIGHT) {
                        window.removeFirst().join();
                    }
                    window.addLast(pool.callAsync("work", PhpPool.WORK, Integer.class));
                }
                window.forEach(CompletableFuture::join);
                return Contender.perSecond(count, t0);
            }
        };
    }

    /** The floor of the CPU-bound row: one plain session, calls one at a time (one PHP process busy). */
    static Contender workSession() {
        return count -> {
            try (Session s = Session.builder(ChildProcessTransport.launch(PhpPool.command())).heartbeat(Duration.ZERO).open()) {
                s.call("work", PhpPool.WORK, Integer.class);
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    s.call("work", PhpPool.WORK, Integer.class);
                }
                return Contender.perSecond(count, t0);
            }
        };
    }
}
