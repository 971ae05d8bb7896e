package io.parley.pool.metrics;

import static io.parley.pool.metrics.Snapshots.stats;
import static io.parley.pool.metrics.Snapshots.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.pool.PoolStats;
import io.parley.pool.WorkerState;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

class PoolJmxTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final AtomicReference<PoolStats> current = new AtomicReference<>(stats(
            List.of(worker(1, 4242, WorkerState.IDLE, 5_000), worker(2, 4343, WorkerState.BUSY, 7_000)),
            3, 41, 2, 1, 0, Duration.ofMillis(7), Duration.ofMillis(30)));

    @Test
    void attributesAreReadThroughThePlatformMBeanServer() throws Exception {
        try (PoolJmx.Registration jmx = PoolJmx.register("jmx-test", current::get)) {
            ObjectName name = jmx.names().get(0);
            assertThat(name).isEqualTo(new ObjectName("io.parley:type=WorkerPool,name=\"jmx-test\""));

            assertThat(server.getAttribute(name, "Workers")).isEqualTo(2);
            assertThat(server.getAttribute(name, "QueueDepth")).isEqualTo(3);
            assertThat(server.getAttribute(name, "TotalCalls")).isEqualTo(43L);
            assertThat(server.getAttribute(name, "Healthy")).isEqualTo(true);
            assertThat((long[]) server.getAttribute(name, "WorkerPids")).containsExactly(4242L, 4343L);
            assertThat(server.getAttribute(name, "WorkersRssBytes")).isEqualTo(12_000L);
            assertThat(server.getAttribute(name, "LatencyP50Millis")).isEqualTo(7.0);
            assertThat(server.getAttribute(name, "LatencyP99Millis")).isEqualTo(30.0);
            assertThat(entry((TabularData) server.getAttribute(name, "Calls"), "crashed")).isEqualTo(2L);
            assertThat(entry((TabularData) server.getAttribute(name, "Restarts"), "crash")).isEqualTo(1L);
            assertThat(entry((TabularData) server.getAttribute(name, "WorkersByState"), "busy")).isEqualTo(1L);

            // every read takes a fresh snapshot
            current.set(stats(List.of(), 0, 50, 2, 5, 0, Duration.ofMillis(7), Duration.ofMillis(30)));
            assertThat(server.getAttribute(name, "Workers")).isEqualTo(0);
            assertThat(server.getAttribute(name, "Healthy")).isEqualTo(false);
            assertThat(server.getAttribute(name, "UnhealthyReason")).isEqualTo("crash loop: boom");
        }
        assertThat(server.isRegistered(PoolJmx.objectName("jmx-test", null))).isFalse();
    }

    @Test
    void aTakenNameIsAClearError() {
        try (PoolJmx.Registration first = PoolJmx.register("twice", current::get)) {
            assertThatThrownBy(() -> PoolJmx.register("twice", current::get))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("name=\"twice\"")
                    .hasMessageContaining("give each its own");
            assertThat(server.isRegistered(first.names().get(0))).isTrue();
        }
    }

    private static Object entry(TabularData table, String key) {
        CompositeData row = table.get(new Object[] {key});
        assertThat(row).as("row %s in %s", key, table).isNotNull();
        return row.get("value");
    }
}
