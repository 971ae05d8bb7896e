package io.parley.pool;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a pool (or of one named pool, see {@link WorkerPool#stats(String)}): its workers
 * by state, the wait queue, calls by outcome, restarts by reason and latency percentiles. The maps
 * hold every enum constant (zero when nothing happened) in enum order.
 *
 * @param pool          the pool's name ({@code "*"} for the whole pool across named pools)
 * @param healthy       false when a crash-loop breaker is open
 * @param unhealthyReason why, with the last stderr lines ({@code null} when healthy)
 * @param workers       every live worker
 * @param queueDepth    calls waiting for a worker
 * @param calls         finished calls by outcome
 * @param restarts      worker replacements by reason
 * @param latency       call latency percentiles
 */
public record PoolStats(String pool, boolean healthy, String unhealthyReason, List<WorkerStats> workers, int queueDepth,
        Map<CallOutcome, Long> calls, Map<RestartReason, Long> restarts, LatencyStats latency) {

    /** How many workers are in {@code state}. */
    public long workersIn(WorkerState state) {
        return workers.stream().filter(w -> w.state() == state).count();
    }

    /** Calls that ended with {@code outcome}. */
    public long calls(CallOutcome outcome) {
        return calls.getOrDefault(outcome, 0L);
    }

    /** Replacements for {@code reason}. */
    public long restarts(RestartReason reason) {
        return restarts.getOrDefault(reason, 0L);
    }

    /** All finished calls, every outcome. */
    public long totalCalls() {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }
}
