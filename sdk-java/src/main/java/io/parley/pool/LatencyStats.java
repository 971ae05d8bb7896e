package io.parley.pool;

import java.time.Duration;

/**
 * Call latency (from the pool accepting the call to its end, queueing included) over the pool's
 * life, from an HdrHistogram with 3 significant digits.
 *
 * @param count calls recorded (every outcome except refusals)
 * @param p50   median
 * @param p95   95th percentile
 * @param p99   99th percentile
 * @param max   the slowest call
 */
public record LatencyStats(long count, Duration p50, Duration p95, Duration p99, Duration max) {
    /** No calls yet. */
    public static final LatencyStats EMPTY = new LatencyStats(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}
