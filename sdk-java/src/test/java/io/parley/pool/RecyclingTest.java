package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Soft limits: a worker finishes its calls, is replaced, and no call fails. */
class RecyclingTest {

    private static Set<Long> runLoad(WorkerPool pool, int calls) {
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            fs.add(pool.callAsync("block", args("ms", 5), Long.class));
        }
        Set<Long> pids = new HashSet<>();
        fs.forEach(f -> pids.add(f.join()));
        return pids;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkerTransport.class)
    void maxJobsReplacesWorkersWithoutAFailedCall(WorkerTransport transport) throws Exception {
        try (WorkerPool pool = PoolTests.pool(2).transport(transport).maxJobs(5).start()) {
            Set<Long> pids = runLoad(pool, 40);
            PoolStats s = pool.stats();
            assertThat(s.calls(CallOutcome.OK)).isEqualTo(40);
            assertThat(s.totalCalls()).isEqualTo(40);
            assertThat(s.restarts(RestartReason.MAX_JOBS)).isGreaterThanOrEqualTo(6);
            assertThat(s.restarts(RestartReason.CRASH)).isZero();
            assertThat(pids.size()).isGreaterThanOrEqualTo(8);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().workers().stream()
                    .filter(w -> w.state() == WorkerState.IDLE).count() == 2);
            assertThat(pool.stats().workers()).allSatisfy(w -> assertThat(w.jobs()).isLessThanOrEqualTo(5));
        }
    }

    @Test
    void ttlReplacesWorkersWithoutAFailedCall() throws Exception {
        try (WorkerPool pool = PoolTests.pool(2).ttl(Duration.ofMillis(300)).start()) {
            long first = pool.call("pid", null, Long.class);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                runLoad(pool, 4);
                return pool.stats().restarts(RestartReason.TTL) >= 2;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().workers().stream().noneMatch(w -> w.pid() == first));
            PoolStats s = pool.stats();
            assertThat(s.calls(CallOutcome.OK)).isEqualTo(s.totalCalls());
        }
    }

    @Test
    void idleTtlReplacesIdleWorkers() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).idleTtl(Duration.ofMillis(200)).start()) {
            long first = pool.call("pid", null, Long.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().restarts(RestartReason.IDLE_TTL) >= 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));
            long second = pool.call("pid", null, Long.class);
            assertThat(second).isNotEqualTo(first);
            assertThat(pool.stats().calls(CallOutcome.OK)).isEqualTo(2);
        }
    }

    @Test
    void memoryLimitReplacesTheWorkerAfterItsCall() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).maxMemory(64L * 1024 * 1024).start()) {
            long first = pool.call("pid", null, Long.class);
            pool.call("alloc", args("mb", 100), Long.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().restarts(RestartReason.MEMORY) >= 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.call("pid", null, Long.class) != first);
            PoolStats s = pool.stats();
            assertThat(s.calls(CallOutcome.OK)).isEqualTo(s.totalCalls());
        }
    }
}
