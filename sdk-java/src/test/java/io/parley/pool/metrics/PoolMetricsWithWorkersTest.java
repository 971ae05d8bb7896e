package io.parley.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.RemoteException;
import io.parley.pool.WorkerPool;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/** JMX and Micrometer over a real pool of PHP workers. */
class PoolMetricsWithWorkersTest {
    private static final Path WORKER = Path.of("src/test/resources/pool-metrics/worker.php").toAbsolutePath();

    @Test
    void jmxAndMicrometerSeeTheCallsOfARealPool() throws Exception {
        String php = System.getenv().getOrDefault("PARLEY_PHP", "php");
        try (WorkerPool pool = WorkerPool.builder().command(List.of(php, WORKER.toString())).workers(2).start();
             PoolJmx.Registration jmx = PoolJmx.register(pool, "metrics-it")) {
            for (int i = 0; i < 5; i++) {
                assertThat(pool.call("echo", Map.of("i", i), Map.class)).containsEntry("i", i);
            }
            assertThatThrownBy(() -> pool.call("fail", Map.of(), Map.class))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(4001));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new PoolMetrics(pool).bindTo(registry);

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = jmx.names().get(0);
            assertThat(server.getAttribute(name, "TotalCalls")).isEqualTo(6L);
            TabularData calls = (TabularData) server.getAttribute(name, "Calls");
            assertThat(calls.get(new Object[] {"ok"}).get("value")).isEqualTo(5L);
            assertThat(calls.get(new Object[] {"remote_error"}).get("value")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "Workers")).isEqualTo(2);
            assertThat((long[]) server.getAttribute(name, "WorkerPids"))
                    .containsExactlyInAnyOrder(pool.stats().workers().stream().mapToLong(w -> w.pid()).toArray());
            assertThat((double) server.getAttribute(name, "LatencyP50Millis")).isPositive();

            assertThat(registry.get("parley.pool.calls").tag("outcome", "ok").functionCounter().count()).isEqualTo(5.0);
            assertThat(registry.get("parley.pool.calls").tag("outcome", "remote_error").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("parley.pool.workers").tag("state", "idle").gauge().value()
                    + registry.get("parley.pool.workers").tag("state", "busy").gauge().value()).isEqualTo(2.0);
        }
    }
}
