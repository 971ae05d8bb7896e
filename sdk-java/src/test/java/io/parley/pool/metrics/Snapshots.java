package io.parley.pool.metrics;

import io.parley.pool.CallOutcome;
import io.parley.pool.LatencyStats;
import io.parley.pool.PoolStats;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerState;
import io.parley.pool.WorkerStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Hand-made PoolStats snapshots for the metrics tests (no processes needed). */
final class Snapshots {
    private Snapshots() {
    }

    static WorkerStats worker(int id, long pid, WorkerState state, long rss) {
        return new WorkerStats(id, "default", pid, null, state, 10L * id, state == WorkerState.BUSY ? 1 : 0, rss,
                Duration.ofSeconds(id));
    }

    static PoolStats stats(List<WorkerStats> workers, int queue, long ok, long crashed, long crashRestarts,
            long maxJobRestarts, Duration p50, Duration p99) {
        Map<CallOutcome, Long> calls = new EnumMap<>(CallOutcome.class);
        for (CallOutcome o : CallOutcome.values()) {
            calls.put(o, 0L);
        }
        calls.put(CallOutcome.OK, ok);
        calls.put(CallOutcome.CRASHED, crashed);
        Map<RestartReason, Long> restarts = new EnumMap<>(RestartReason.class);
        for (RestartReason r : RestartReason.values()) {
            restarts.put(r, 0L);
        }
        restarts.put(RestartReason.CRASH, crashRestarts);
        restarts.put(RestartReason.MAX_JOBS, maxJobRestarts);
        LatencyStats latency = new LatencyStats(ok + crashed, p50, p50.plus(p99).dividedBy(2), p99, p99.multipliedBy(2));
        return new PoolStats("default", crashRestarts < 5, crashRestarts < 5 ? null : "crash loop: boom", workers,
                queue, calls, restarts, latency);
    }
}
