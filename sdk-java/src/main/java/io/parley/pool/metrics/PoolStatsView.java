package io.parley.pool.metrics;

import io.parley.pool.PoolStats;
import io.parley.pool.WorkerState;
import io.parley.pool.WorkerStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** {@link PoolStatsMXBean} over a source of snapshots; one snapshot per attribute read. */
final class PoolStatsView implements PoolStatsMXBean {
    private final Supplier<PoolStats> stats;

    PoolStatsView(Supplier<PoolStats> stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    @Override
    public String getPool() {
        return stats.get().pool();
    }

    @Override
    public boolean isHealthy() {
        return stats.get().healthy();
    }

    @Override
    public String getUnhealthyReason() {
        String reason = stats.get().unhealthyReason();
        return reason == null ? "" : reason;
    }

    @Override
    public int getWorkers() {
        return stats.get().workers().size();
    }

    @Override
    public Map<String, Long> getWorkersByState() {
        PoolStats s = stats.get();
        Map<String, Long> byState = new LinkedHashMap<>();
        for (WorkerState state : WorkerState.values()) {
            byState.put(key(state), s.workersIn(state));
        }
        return byState;
    }

    @Override
    public long[] getWorkerPids() {
        return stats.get().workers().stream().mapToLong(WorkerStats::pid).toArray();
    }

    @Override
    public long getWorkersRssBytes() {
        return stats.get().workers().stream().mapToLong(w -> Math.max(0, w.rssBytes())).sum();
    }

    @Override
    public int getQueueDepth() {
        return stats.get().queueDepth();
    }

    @Override
    public long getTotalCalls() {
        return stats.get().totalCalls();
    }

    @Override
    public Map<String, Long> getCalls() {
        return keyed(stats.get().calls());
    }

    @Override
    public Map<String, Long> getRestarts() {
        return keyed(stats.get().restarts());
    }

    @Override
    public double getLatencyP50Millis() {
        return millis(stats.get().latency().p50());
    }

    @Override
    public double getLatencyP95Millis() {
        return millis(stats.get().latency().p95());
    }

    @Override
    public double getLatencyP99Millis() {
        return millis(stats.get().latency().p99());
    }

    @Override
    public double getLatencyMaxMillis() {
        return millis(stats.get().latency().max());
    }

    static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> Map<String, Long> keyed(Map<E, Long> counts) {
        Map<String, Long> keyed = new LinkedHashMap<>();
        counts.forEach((k, v) -> keyed.put(key(k), v));
        return keyed;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
