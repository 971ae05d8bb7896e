package io.parley.pool.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.parley.pool.CallOutcome;
import io.parley.pool.LatencyStats;
import io.parley.pool.PoolStats;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerPool;
import io.parley.pool.WorkerState;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for a pool: any Micrometer registry (Prometheus, OTLP, JMX,
 * Datadog, ...) exports the pool's {@link PoolStats} with it. Micrometer is an <em>optional</em>
 * dependency of the SDK: add {@code io.micrometer:micrometer-core} (and your registry) to use this
 * class; nothing else in the SDK needs it.
 *
 * <pre>{@code
 * new PoolMetrics(pool).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>Meters (every one tagged {@code pool=<name>} plus the extra tags)</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code parley.pool.workers}</td><td>gauge</td><td>{@code state} (idle, busy, ...)</td></tr>
 * <tr><td>{@code parley.pool.workers.rss}</td><td>gauge, bytes</td><td></td></tr>
 * <tr><td>{@code parley.pool.queue.depth}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code parley.pool.healthy}</td><td>gauge, 1 or 0</td><td></td></tr>
 * <tr><td>{@code parley.pool.calls}</td><td>function counter</td><td>{@code outcome} (ok, crashed, ...)</td></tr>
 * <tr><td>{@code parley.pool.restarts}</td><td>function counter</td><td>{@code reason} (crash, max_jobs, ...)</td></tr>
 * <tr><td>{@code parley.pool.call.latency}</td><td>time gauge</td><td>{@code quantile} (0.5, 0.95, 0.99, 1.0)</td></tr>
 * </table>
 *
 * <p>A scrape reads many meters at once; they share one snapshot for {@code maxAge} (default
 * 1 s) instead of taking one each.
 */
public final class PoolMetrics implements MeterBinder {
    private final String pool;
    private final Tags tags;
    private final Snapshots snapshots;

    /** Binds the whole pool ({@link WorkerPool#stats()}), tagged {@code pool="*"}. */
    public PoolMetrics(WorkerPool pool) {
        this(pool::stats, "*", Tags.empty(), Duration.ofSeconds(1));
    }

    /**
     * Binds any source of snapshots (e.g. {@code () -> pool.stats("slow")} for one named pool).
     *
     * @param stats    where snapshots come from
     * @param poolName the value of the {@code pool} tag
     * @param tags     extra tags on every meter
     * @param maxAge   how long one snapshot serves meter reads ({@link Duration#ZERO}: never reused)
     */
    public PoolMetrics(Supplier<PoolStats> stats, String poolName, Iterable<Tag> tags, Duration maxAge) {
        this.pool = Objects.requireNonNull(poolName, "poolName");
        this.tags = Tags.of(tags).and("pool", poolName);
        this.snapshots = new Snapshots(stats, maxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (WorkerState state : WorkerState.values()) {
            gauge(registry, "parley.pool.workers", "Live workers in this state", "state", state,
                    s -> s.workersIn(state), null);
        }
        gauge(registry, "parley.pool.workers.rss", "Resident memory of all workers", null, null,
                s -> s.workers().stream().mapToLong(w -> Math.max(0, w.rssBytes())).sum(), "bytes");
        gauge(registry, "parley.pool.queue.depth", "Calls waiting for a worker", null, null,
                PoolStats::queueDepth, null);
        gauge(registry, "parley.pool.healthy", "1 while healthy, 0 while a crash-loop breaker is open", null, null,
                s -> s.healthy() ? 1 : 0, null);
        for (CallOutcome outcome : CallOutcome.values()) {
            FunctionCounter.builder("parley.pool.calls", snapshots, strong(sn -> sn.get().calls(outcome)))
                    .description("Finished pool calls by outcome")
                    .tags(tags).tag("outcome", key(outcome))
                    .register(registry);
        }
        for (RestartReason reason : RestartReason.values()) {
            FunctionCounter.builder("parley.pool.restarts", snapshots, strong(sn -> sn.get().restarts(reason)))
                    .description("Worker replacements by reason")
                    .tags(tags).tag("reason", key(reason))
                    .register(registry);
        }
        latency(registry, "0.5", LatencyStats::p50);
        latency(registry, "0.95", LatencyStats::p95);
        latency(registry, "0.99", LatencyStats::p99);
        latency(registry, "1.0", LatencyStats::max);
    }

    @Override
    public String toString() {
        return "PoolMetrics[pool=" + pool + "]";
    }

    /**
     * Micrometer holds a meter's state object weakly, and {@code bindTo(new PoolMetrics(pool))}
     * keeps no other reference: the function holds it strongly so the meters keep reading (they
     * would freeze at their last value after a GC otherwise). Gauges use {@code strongReference}.
     */
    private java.util.function.ToDoubleFunction<Snapshots> strong(java.util.function.ToDoubleFunction<Snapshots> f) {
        Snapshots held = snapshots;
        return sn -> f.applyAsDouble(held);
    }

    private void gauge(MeterRegistry registry, String name, String description, String tagKey, Enum<?> tagValue,
            ToDoubleFunction<PoolStats> value, String unit) {
        Gauge.Builder<Snapshots> builder = Gauge.builder(name, snapshots, sn -> value.applyAsDouble(sn.get()))
                .description(description)
                .tags(tags)
                .baseUnit(unit)
                .strongReference(true);
        if (tagKey != null) {
            builder.tag(tagKey, key(tagValue));
        }
        builder.register(registry);
    }

    private void latency(MeterRegistry registry, String quantile, Function<LatencyStats, Duration> pick) {
        TimeGauge.builder("parley.pool.call.latency", snapshots, TimeUnit.NANOSECONDS,
                        strong(sn -> pick.apply(sn.get().latency()).toNanos()))
                .description("Pool call latency (queueing included) at this quantile, over the pool's life")
                .tags(tags).tag("quantile", quantile)
                .register(registry);
    }

    private static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** One snapshot shared by the meters for {@code maxAge}. */
    private static final class Snapshots {
        private final Supplier<PoolStats> source;
        private final long maxAgeNanos;
        private PoolStats last;
        private long takenAt;

        Snapshots(Supplier<PoolStats> source, Duration maxAge) {
            this.source = Objects.requireNonNull(source, "stats");
            this.maxAgeNanos = maxAge.toNanos();
        }

        synchronized PoolStats get() {
            long now = System.nanoTime();
            if (last == null || now - takenAt >= maxAgeNanos) {
                last = source.get();
                takenAt = now;
            }
            return last;
        }
    }
}
