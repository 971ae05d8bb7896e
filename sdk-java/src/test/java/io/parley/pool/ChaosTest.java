package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chaos: N calls over 4 workers while a random worker is SIGKILLed every ~200 ms, over each worker
 * transport (stdio, unix, tcp). Every call must end exactly once, with its correct result or a
 * definite typed error; none lost, none duplicated. N is 5,000 per transport in the normal (CI) run;
 * the full run (100,000 calls per transport, several minutes each) is
 * {@code ./mvnw -o -pl sdk-java test -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false -Dparley.chaos.calls=100000}.
 */
class ChaosTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = WorkerTransport.class, names = {"STDIO", "UNIX", "TCP"}) // shm: the fast pool tests cover it
    void everyCallEndsExactlyOnceWhileWorkersAreKilled(WorkerTransport transport) throws Exception {
        int n = Integer.getInteger("parley.chaos.calls", 5_000);
        int inFlight = 64;
        AtomicIntegerArray endings = new AtomicIntegerArray(n);
        AtomicInteger wrong = new AtomicInteger();
        EnumMap<CallOutcome, AtomicInteger> outcomes = new EnumMap<>(CallOutcome.class);
        for (CallOutcome o : CallOutcome.values()) {
            outcomes.put(o, new AtomicInteger());
        }
        AtomicInteger kills = new AtomicInteger();
        Semaphore window = new Semaphore(inFlight);
        long start = System.nanoTime();
        try (WorkerPool pool = PoolTests.pool(4).transport(transport).queueSize(inFlight * 2)
                .defaults(p -> p.restartBackoff(Duration.ofMillis(20)).restartBackoffMax(Duration.ofMillis(200))).start()) {
            AtomicBoolean done = new AtomicBoolean();
            Thread killer = new Thread(() -> {
                Random r = new Random(42);
                while (!done.get()) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    // a worker that has served: killing fresh ones would be a crash loop, which the breaker stops
                    List<WorkerStats> ws = pool.stats().workers().stream()
                            .filter(w -> w.jobs() > 0 && (w.state() == WorkerState.IDLE || w.state() == WorkerState.BUSY))
                            .collect(java.util.stream.Collectors.toList());
                    if (!ws.isEmpty()) {
                        WorkerStats victim = ws.get(r.nextInt(ws.size()));
                        ProcessHandle.of(victim.pid()).ifPresent(h -> {
                            if (h.destroyForcibly()) {
                                kills.incrementAndGet();
                            }
                        });
                    }
                }
            }, "chaos-killer");
            killer.start();
            CompletableFuture<?>[] all = new CompletableFuture<?>[n];
            for (int i = 0; i < n; i++) {
                window.acquire();
                final int id = i;
                CompletableFuture<Map> f = pool.callAsync("work", args("n", id, "loops", 200), Map.class);
                all[i] = f.whenComplete((m, e) -> {
                    endings.incrementAndGet(id);
                    if (e == null) {
                        if (((Number) m.get("sq")).longValue() != (long) id * id || ((Number) m.get("n")).intValue() != id) {
                            wrong.incrementAndGet();
                        }
                    }
                    CallOutcome o = io.parley.pool.internal.Metrics.classify(e);
                    outcomes.get(o).incrementAndGet();
                    window.release();
                });
            }
            CompletableFuture.allOf(all).handle((v, e) -> null).get(10, java.util.concurrent.TimeUnit.MINUTES);
            done.set(true);
            killer.join();
            PoolStats s = pool.stats();
            long secs = Math.max(1, Duration.ofNanos(System.nanoTime() - start).toSeconds());
            System.out.printf("chaos over %s: %d calls in %d s, %d SIGKILLs: ok=%d crashed=%d other outcomes=%s wrong=%d; pool restarts=%s%n",
                    transport, n, secs, kills.get(), outcomes.get(CallOutcome.OK).get(), outcomes.get(CallOutcome.CRASHED).get(), outcomes,
                    wrong.get(), s.restarts());
            for (int i = 0; i < n; i++) {
                assertThat(endings.get(i)).as("endings of call %d", i).isEqualTo(1);
            }
            assertThat(wrong.get()).isZero();
            assertThat(outcomes.get(CallOutcome.OK).get() + outcomes.get(CallOutcome.CRASHED).get()).isEqualTo(n);
            assertThat(s.totalCalls()).isEqualTo(n);
            assertThat(s.calls(CallOutcome.CRASHED)).isEqualTo(outcomes.get(CallOutcome.CRASHED).get());
            assertThat(kills.get()).isPositive();
            assertThat(pool.isHealthy()).isTrue();
        }
    }
}
