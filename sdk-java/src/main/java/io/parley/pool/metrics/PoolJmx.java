package io.parley.pool.metrics;

import io.parley.pool.PoolStats;
import io.parley.pool.WorkerPool;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers a pool's statistics as JMX MBeans ({@link PoolStatsMXBean}) in the platform
 * MBeanServer, so JConsole, VisualVM or any JMX exporter can read them:
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.builder()...start();
 *      PoolJmx.Registration jmx = PoolJmx.register(pool, "invoices")) {
 *     ...   // io.parley:type=WorkerPool,name=invoices            (the whole pool)
 * }         // io.parley:type=WorkerPool,name=invoices,pool=slow  (each named pool, when there are several)
 * }</pre>
 *
 * The MBeans read {@link WorkerPool#stats()} at each attribute read; closing the registration
 * unregisters them (closing the pool does not).
 */
public final class PoolJmx {
    /** The JMX domain of Parley's MBeans. */
    public static final String DOMAIN = "io.parley";

    private PoolJmx() {
    }

    /**
     * Registers {@code pool} under {@code io.parley:type=WorkerPool,name=<name>}, and each of its
     * named pools under {@code ...,pool=<pool>} when it has more than one.
     *
     * @throws IllegalStateException when the name is taken (another pool registered with the
     *                               same name: pick a distinct one) or not a valid ObjectName value
     */
    public static Registration register(WorkerPool pool, String name) {
        Objects.requireNonNull(pool, "pool");
        List<ObjectName> names = new ArrayList<>();
        Registration registration = new Registration(names);
        try {
            names.add(registerOne(objectName(name, null), pool::stats));
            if (pool.poolNames().size() > 1) {
                for (String p : pool.poolNames()) {
                    names.add(registerOne(objectName(name, p), () -> pool.stats(p)));
                }
            }
            return registration;
        } catch (RuntimeException e) {
            registration.close();
            throw e;
        }
    }

    /** Registers any source of snapshots under {@code io.parley:type=WorkerPool,name=<name>}. */
    public static Registration register(String name, Supplier<PoolStats> stats) {
        return new Registration(List.of(registerOne(objectName(name, null), stats)));
    }

    /** The ObjectName {@link #register} uses for {@code name} (and a named {@code pool}, or null). */
    public static ObjectName objectName(String name, String pool) {
        try {
            String base = DOMAIN + ":type=WorkerPool,name=" + ObjectName.quote(name);
            return new ObjectName(pool == null ? base : base + ",pool=" + ObjectName.quote(pool));
        } catch (JMException e) {
            throw new IllegalArgumentException("not a valid JMX name: '" + name + "': " + e.getMessage(), e);
        }
    }

    private static ObjectName registerOne(ObjectName name, Supplier<PoolStats> stats) {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new PoolStatsView(stats), name);
            return name;
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the MBean " + name + ": " + e.getMessage()
                    + " (is another pool registered under the same name? give each its own)", e);
        }
    }

    /** The MBeans of one {@link #register} call; {@link #close()} unregisters them. Idempotent. */
    public static final class Registration implements AutoCloseable {
        private final List<ObjectName> names;

        Registration(List<ObjectName> names) {
            this.names = names;
        }

        /** The registered names, the whole pool's first. */
        public List<ObjectName> names() {
            return List.copyOf(names);
        }

        @Override
        public synchronized void close() {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : names) {
                try {
                    if (server.isRegistered(name)) {
                        server.unregisterMBean(name);
                    }
                } catch (JMException e) {
                    // already gone: nothing left to undo
                }
            }
        }
    }
}
