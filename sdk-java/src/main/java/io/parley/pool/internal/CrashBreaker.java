package io.parley.pool.internal;

import io.parley.pool.PoolConfig;
import io.parley.pool.PoolUnhealthyException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Restart backoff and the crash-loop breaker of one named pool: each crash doubles the restart
 * delay (reset by a successful call); {@code crash_loop_deaths} deaths at start within {@code
 * crash_loop_window} open the breaker. Guarded by the named pool's lock.
 */
final class CrashBreaker {
    private final PoolConfig cfg;
    private final ArrayDeque<Long> startDeaths = new ArrayDeque<>();
    private int consecutiveCrashes;

    CrashBreaker(PoolConfig cfg) {
        this.cfg = cfg;
    }

    void success() {
        consecutiveCrashes = 0;
    }

    /** Counts a crash; returns the delay before the replacement is launched. */
    long crashed() {
        consecutiveCrashes++;
        long max = cfg.restartBackoffMax().toNanos();
        long d = cfg.restartBackoff().toNanos();
        for (int i = 1; i < consecutiveCrashes && d < max; i++) {
            d *= 2;
        }
        return Math.min(d, max);
    }

    void reset() {
        startDeaths.clear();
        consecutiveCrashes = 0;
    }

    /** Counts a death at start; returns the error to open the breaker with, or null. */
    PoolUnhealthyException startDeath(String pool, List<String> stderr, String what) {
        long now = System.nanoTime();
        startDeaths.addLast(now);
        while (!startDeaths.isEmpty() && now - startDeaths.peekFirst() > cfg.crashLoopWindow().toNanos()) {
            startDeaths.pollFirst();
        }
        if (startDeaths.size() < cfg.crashLoopDeaths()) {
            return null;
        }
        List<String> tail = stderr.subList(Math.max(0, stderr.size() - 10), stderr.size());
        StringBuilder msg = new StringBuilder("pool '").append(pool).append("' is unhealthy: ").append(startDeaths.size())
                .append(" workers died at start within crash_loop_window (").append(cfg.crashLoopWindow())
                .append("), so it stopped restarting them. Last failure: ").append(what);
        if (!tail.isEmpty()) {
            msg.append("\nlast stderr lines:");
            tail.forEach(l -> msg.append("\n  ").append(l));
        }
        msg.append("\nFix the cause (command, script, PHP errors), then call WorkerPool.reload() or touch a watched file");
        return new PoolUnhealthyException(pool, msg.toString(), tail);
    }
}
