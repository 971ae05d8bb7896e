package io.parley.pool.internal;

import io.parley.DeadlineExceededException;
import io.parley.PeerGoneException;
import io.parley.RemoteException;
import io.parley.pool.CallOutcome;
import io.parley.pool.ExecTtlExceededException;
import io.parley.pool.LatencyStats;
import io.parley.pool.PoolClosedException;
import io.parley.pool.PoolOverloadedException;
import io.parley.pool.PoolUnhealthyException;
import io.parley.pool.RestartReason;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Counters of one named pool: calls by outcome, restarts by reason, latency (HdrHistogram, µs). */
public final class Metrics {
    private final EnumMap<CallOutcome, LongAdder> calls = new EnumMap<>(CallOutcome.class);
    private final EnumMap<RestartReason, LongAdder> restarts = new EnumMap<>(RestartReason.class);
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3);

    public Metrics() {
        for (CallOutcome o : CallOutcome.values()) {
            calls.put(o, new LongAdder());
        }
        for (RestartReason r : RestartReason.values()) {
            restarts.put(r, new LongAdder());
        }
    }

    /** Counts one finished call; refusals do not enter the latency histogram. */
    public CallOutcome recordCall(Throwable error, long nanos) {
        CallOutcome o = classify(error);
        calls.get(o).increment();
        if (o != CallOutcome.OVERLOADED && o != CallOutcome.UNHEALTHY && o != CallOutcome.SHUTDOWN) {
            latency.recordValue(Math.max(0, nanos / 1000));
        }
        return o;
    }

    public void recordRestart(RestartReason reason) {
        restarts.get(reason).increment();
    }

    public static CallOutcome classify(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e == null) {
            return CallOutcome.OK;
        }
        if (e instanceof CancellationException) {
            return CallOutcome.CANCELLED;
        }
        if (e instanceof PoolOverloadedException) {
            return CallOutcome.OVERLOADED;
        }
        if (e instanceof PoolUnhealthyException) {
            return CallOutcome.UNHEALTHY;
        }
        if (e instanceof PoolClosedException) {
            return CallOutcome.SHUTDOWN;
        }
        if (e instanceof ExecTtlExceededException) {
            return CallOutcome.EXEC_TTL;
        }
        if (e instanceof DeadlineExceededException) {
            return CallOutcome.DEADLINE;
        }
        if (e instanceof PeerGoneException) {
            return CallOutcome.CRASHED;
        }
        if (e instanceof RemoteException) {
            return CallOutcome.REMOTE_ERROR;
        }
        return CallOutcome.OTHER;
    }

    public Map<CallOutcome, Long> calls() {
        EnumMap<CallOutcome, Long> m = new EnumMap<>(CallOutcome.class);
        calls.forEach((k, v) -> m.put(k, v.sum()));
        return Collections.unmodifiableMap(m);
    }

    public Map<RestartReason, Long> restarts() {
        EnumMap<RestartReason, Long> m = new EnumMap<>(RestartReason.class);
        restarts.forEach((k, v) -> m.put(k, v.sum()));
        return Collections.unmodifiableMap(m);
    }

    public Histogram latencyCopy() {
        return latency.copy();
    }

    public static LatencyStats latencyOf(Histogram h) {
        if (h.getTotalCount() == 0) {
            return LatencyStats.EMPTY;
        }
        return new LatencyStats(h.getTotalCount(), micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(95)),
                micros(h.getValueAtPercentile(99)), micros(h.getMaxValue()));
    }

    private static Duration micros(long us) {
        return Duration.ofNanos(us * 1000);
    }
}
