package io.parley.pool.metrics;

import static io.parley.pool.metrics.Snapshots.stats;
import static io.parley.pool.metrics.Snapshots.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.pool.PoolStats;
import io.parley.pool.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PoolMetricsTest {

    private final AtomicReference<PoolStats> current = new AtomicReference<>(stats(
            List.of(worker(1, 101, WorkerState.IDLE, 1_000), worker(2, 102, WorkerState.BUSY, 2_000),
                    worker(3, 103, WorkerState.BUSY, -1)),
            4, 90, 3, 1, 2, Duration.ofMillis(12), Duration.ofMillis(80)));

    private SimpleMeterRegistry bound(Duration maxAge) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PoolMetrics(current::get, "invoices", Tags.of("app", "demo"), maxAge).bindTo(registry);
        return registry;
    }

    @Test
    void metersKeepReadingAfterTheBinderIsGarbageCollected() throws Exception {
        // bindTo(new PoolMetrics(...)) keeps no reference: Micrometer holds meter state weakly
        SimpleMeterRegistry registry = bound(Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(registry.get("parley.pool.calls").tag("outcome", "ok").functionCounter().count()).isEqualTo(90.0);
        assertThat(registry.get("parley.pool.queue.depth").gauge().value()).isEqualTo(4.0);
    }

    @Test
    void exportsWorkersQueueCallsRestartsAndLatencyFromTheSnapshot() {
        SimpleMeterRegistry registry = bound(Duration.ZERO);

        assertThat(registry.get("parley.pool.workers").tags("pool", "invoices", "app", "demo", "state", "busy")
                .gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("parley.pool.workers").tag("state", "idle").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("parley.pool.workers").tag("state", "starting").gauge().value()).isZero();
        assertThat(registry.get("parley.pool.workers.rss").gauge().value()).isEqualTo(3_000.0);
        assertThat(registry.get("parley.pool.queue.depth").gauge().value()).isEqualTo(4.0);
        assertThat(registry.get("parley.pool.healthy").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("parley.pool.calls").tag("outcome", "ok").functionCounter().count()).isEqualTo(90.0);
        assertThat(registry.get("parley.pool.calls").tag("outcome", "crashed").functionCounter().count()).isEqualTo(3.0);
        assertThat(registry.get("parley.pool.calls").tag("outcome", "exec_ttl").functionCounter().count()).isZero();
        assertThat(registry.get("parley.pool.restarts").tag("reason", "crash").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("parley.pool.restarts").tag("reason", "max_jobs").functionCounter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("parley.pool.call.latency").tag("quantile", "0.5").timeGauge()
                .value(TimeUnit.MILLISECONDS)).isEqualTo(12.0);
        assertThat(registry.get("parley.pool.call.latency").tag("quantile", "0.99").timeGauge()
                .value(TimeUnit.MILLISECONDS)).isEqualTo(80.0);
        // one meter per state, outcome, reason and quantile: nothing missing, nothing extra
        assertThat(registry.find("parley.pool.calls").functionCounters()).hasSize(10);
        assertThat(registry.find("parley.pool.restarts").functionCounters()).hasSize(7);
        assertThat(registry.find("parley.pool.workers").gauges()).hasSize(WorkerState.values().length);
        assertThat(registry.find("parley.pool.call.latency").timeGauges()).hasSize(4);
    }

    @Test
    void followsNewSnapshotsAndReportsAnOpenBreaker() {
        SimpleMeterRegistry registry = bound(Duration.ZERO);
        current.set(stats(List.of(), 0, 95, 9, 5, 2, Duration.ofMillis(5), Duration.ofMillis(40)));

        assertThat(registry.get("parley.pool.calls").tag("outcome", "crashed").functionCounter().count()).isEqualTo(9.0);
        assertThat(registry.get("parley.pool.healthy").gauge().value()).isZero();
        assertThat(registry.get("parley.pool.workers").tag("state", "busy").gauge().value()).isZero();
    }

    @Test
    void metersOfOneScrapeShareOneSnapshot() {
        AtomicInteger taken = new AtomicInteger();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PoolMetrics(() -> {
            taken.incrementAndGet();
            return current.get();
        }, "invoices", Tags.empty(), Duration.ofHours(1)).bindTo(registry);

        registry.getMeters().forEach(m -> m.measure().forEach(ms -> ms.getValue()));

        assertThat(taken.get()).isEqualTo(1);
    }
}
