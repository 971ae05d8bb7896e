package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.CallOptions;
import io.parley.TypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkerPoolBasicsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkerTransport.class)
    void callsReachEveryWorkerAndStatsCountThem(WorkerTransport transport) throws Exception {
        try (WorkerPool pool = PoolTests.pool(2).transport(transport).start()) {
            assertThat(pool.call("square", args("n", 7), Integer.class)).isEqualTo(49);
            assertThat(pool.call("square", args("n", 3), int.class)).isEqualTo(9);
            List<CompletableFuture<Long>> pids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pids.add(pool.callAsync("block", args("ms", 20), Long.class));
            }
            Set<Long> seen = new HashSet<>();
            for (CompletableFuture<Long> f : pids) {
                seen.add(f.join());
            }
            assertThat(seen).hasSize(2);
            Map<String, Object> echoed = pool.call("echo", args("a", 1), new TypeRef<Map<String, Object>>() { }, CallOptions.none());
            assertThat(echoed).containsEntry("a", 1);

            PoolStats stats = pool.stats();
            assertThat(stats.calls(CallOutcome.OK)).isEqualTo(23);
            assertThat(stats.workers()).hasSize(2).allSatisfy(w -> {
                assertThat(w.pid()).isPositive();
                assertThat(w.state()).isEqualTo(WorkerState.IDLE);
                assertThat(w.rssBytes()).isNotZero();
            });
            assertThat(stats.workers().stream().mapToLong(WorkerStats::jobs).sum()).isEqualTo(23);
            assertThat(stats.latency().count()).isEqualTo(23);
            assertThat(stats.latency().p99()).isGreaterThanOrEqualTo(stats.latency().p50());
            assertThat(stats.healthy()).isTrue();
        }
    }

    @Test
    void progressIsPassedThrough() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).start()) {
            List<Object> seen = new CopyOnWriteArrayList<>();
            int n = pool.call("progress", args("n", 5), Integer.class,
                    CallOptions.none().withProgress(p -> seen.add(p.as(Map.class).get("done"))));
            assertThat(n).isEqualTo(5);
            assertThat(seen).containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void remoteErrorsAreTyped() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).start()) {
            CompletableFuture<Object> f = pool.callAsync("no.such.method", null, Object.class);
            assertThat(f).failsWithin(java.time.Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                    .isInstanceOf(io.parley.RemoteException.class);
            assertThat(pool.stats().calls(CallOutcome.REMOTE_ERROR)).isEqualTo(1);
        }
    }

    @Test
    void namedPoolsTakeTheMethodsTheirRoutesMatch() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1)
                .pool("slow", p -> p.workers(1).routes(List.of("blo?k", "report.*"))).start()) {
            long fast = pool.call("pid", null, Long.class);
            long slow = pool.call("block", args("ms", 1), Long.class);
            assertThat(fast).isNotEqualTo(slow);
            assertThat(pool.poolNames()).containsExactly("default", "slow");
            assertThat(pool.stats("slow").workers()).singleElement().satisfies(w -> assertThat(w.pid()).isEqualTo(slow));
            assertThat(pool.stats("default").workers()).singleElement().satisfies(w -> assertThat(w.pid()).isEqualTo(fast));
            assertThat(pool.stats().workers()).hasSize(2);
        }
    }
}
