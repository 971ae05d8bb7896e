package io.parley.pool.internal;

import io.parley.CallOptions;
import io.parley.Handlers;
import io.parley.ParleyException;
import io.parley.Session;
import io.parley.TypeRef;
import io.parley.pool.CallOutcome;
import io.parley.pool.LatencyStats;
import io.parley.pool.PoolConfig;
import io.parley.pool.PoolListener;
import io.parley.pool.PoolStats;
import io.parley.pool.PoolUnhealthyException;
import io.parley.pool.RemoteWorkers;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pool behind {@link io.parley.pool.WorkerPool}: the named pools and the router by
 * method glob, the supervisor's scheduler and threads, the file watcher and the remote listener.
 */
public final class PoolRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(PoolRuntime.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    final ScheduledThreadPoolExecutor scheduler;
    final ExecutorService executor;
    final Launcher launcher;
    final PoolListener listener;
    private final Map<String, NamedPool> pools = new LinkedHashMap<>();
    private final NamedPool defaultPool;
    private final AtomicInteger workerIds = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<NamedPool, LocalListener> localListeners = new java.util.concurrent.ConcurrentHashMap<>();
    private FileWatcher watcher;
    private RemoteAcceptor remote;

    private PoolRuntime(List<PoolConfig> configs, Handlers handlers, Consumer<Session.Builder> sessionOptions,
            PoolListener listener) {
        int n = POOLS.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("parley-pool-" + n + "-supervisor"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.executor = Executors.newCachedThreadPool(daemon("parley-pool-" + n + "-worker"));
        this.launcher = new Launcher(handlers, sessionOptions);
        this.listener = listener;
        for (PoolConfig c : configs) {
            if (pools.put(c.name(), new NamedPool(c, this)) != null) {
                throw new IllegalArgumentException("two pools are named '" + c.name() + "'");
            }
        }
        this.defaultPool = pools.get(configs.get(0).name());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts every named pool and waits until their workers are ready. */
    public static PoolRuntime start(List<PoolConfig> configs, RemoteWorkers remote, Handlers handlers,
            Consumer<Session.Builder> sessionOptions, PoolListener listener) throws IOException {
        PoolRuntime rt = new PoolRuntime(configs, handlers, sessionOptions, listener);
        try {
            for (NamedPool p : rt.pools.values()) {
                if (p.cfg.transport() == io.parley.pool.WorkerTransport.UNIX || p.cfg.transport() == io.parley.pool.WorkerTransport.TCP) {
                    rt.localListeners.put(p, LocalListener.start(p.cfg, rt));
                }
            }
            for (NamedPool p : rt.pools.values()) {
                long tick = p.cfg.watchTick().toNanos();
                rt.scheduler.scheduleWithFixedDelay(rt.guard(() -> Recycling.tick(p)), tick, tick, TimeUnit.NANOSECONDS);
                synchronized (p) {
                    p.ensureCapacity(0);
                }
            }
            for (NamedPool p : rt.pools.values()) {
                long wait = p.cfg.startTimeout().toNanos() * 3;
                if (!p.awaitReady(wait)) {
                    PoolUnhealthyException u = p.unhealthy();
                    if (u != null) {
                        throw u;
                    }
                    throw new IOException("pool '" + p.name() + "': its " + p.cfg.workers() + " workers were not ready within 3 x "
                            + "start_timeout (" + io.parley.internal.Durations.text(p.cfg.startTimeout()) + "); see the log for their stderr");
                }
            }
            if (remote != null) {
                rt.remote = RemoteAcceptor.start(remote, rt);
            }
            rt.watcher = FileWatcher.start(rt);
            return rt;
        } catch (IOException | RuntimeException e) {
            rt.close();
            throw e;
        } catch (InterruptedException e) {
            rt.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the pool", e);
        }
    }

    private Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("pool supervisor task failed", e);
            }
        };
    }

    /** Where the local socket workers of {@code p} dial in; null for stdio. */
    LocalListener localListener(NamedPool p) {
        return localListeners.get(p);
    }

    int nextWorkerId() {
        return workerIds.incrementAndGet();
    }

    Map<String, NamedPool> pools() {
        return pools;
    }

    /** The named pool that serves {@code method}: the first whose routes match, else the default one. */
    NamedPool route(String method) {
        for (NamedPool p : pools.values()) {
            if (p.routes(method)) {
                return p;
            }
        }
        return defaultPool;
    }

    /** The pool a remote worker named {@code peerName} joins. */
    NamedPool forPeer(String peerName) {
        if (peerName != null && peerName.startsWith("pool:")) {
            NamedPool p = pools.get(peerName.substring(5));
            if (p != null) {
                return p;
            }
        }
        return defaultPool;
    }

    // ------------------------------------------------------------------ calls

    /** A blocking call: on the caller's thread when a worker is free (see {@link NamedPool#callSync}). */
    public Object call(String method, Object params, TypeRef<?> type, CallOptions options) {
        PoolCall c = new PoolCall(method, params, type, options == null ? CallOptions.none() : options);
        CompletableFuture<Object> f = c.future;
        try {
            return route(method).callSync(c);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ParleyException(io.parley.ErrorCode.CANCELLED, "interrupted while waiting for " + method, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new ParleyException(io.parley.ErrorCode.INTERNAL_ERROR, String.valueOf(cause), cause);
        } catch (CancellationException e) {
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> callAsync(String method, Object params, TypeRef<?> type, CallOptions options) {
        PoolCall c = new PoolCall(method, params, type, options == null ? CallOptions.none() : options);
        route(method).submit(c);
        return (CompletableFuture<T>) (CompletableFuture<?>) c.future;
    }

    // ------------------------------------------------------------------ state

    public PoolStats stats() {
        List<WorkerStats> ws = new ArrayList<>();
        int queue = 0;
        boolean healthy = true;
        StringBuilder reasons = new StringBuilder();
        EnumMap<CallOutcome, Long> calls = new EnumMap<>(CallOutcome.class);
        EnumMap<RestartReason, Long> restarts = new EnumMap<>(RestartReason.class);
        Histogram latency = null;
        for (NamedPool p : pools.values()) {
            PoolStats s = p.stats();
            ws.addAll(s.workers());
            queue += s.queueDepth();
            if (!s.healthy()) {
                healthy = false;
                reasons.append(reasons.length() > 0 ? "\n" : "").append(s.unhealthyReason());
            }
            s.calls().forEach((k, v) -> calls.merge(k, v, Long::sum));
            s.restarts().forEach((k, v) -> restarts.merge(k, v, Long::sum));
            Histogram h = p.metrics.latencyCopy();
            if (latency == null) {
                latency = h;
            } else {
                latency.add(h);
            }
        }
        LatencyStats lat = latency == null ? LatencyStats.EMPTY : Metrics.latencyOf(latency);
        return new PoolStats("*", healthy, healthy ? null : reasons.toString(), Collections.unmodifiableList(ws), queue,
                Collections.unmodifiableMap(calls), Collections.unmodifiableMap(restarts), lat);
    }

    public PoolStats stats(String pool) {
        NamedPool p = pools.get(pool);
        if (p == null) {
            throw new IllegalArgumentException("no pool named '" + pool + "'; the pools are " + pools.keySet());
        }
        return p.stats();
    }

    public Set<String> poolNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(pools.keySet()));
    }

    public boolean isHealthy() {
        return pools.values().stream().allMatch(p -> p.unhealthy() == null);
    }

    public String remoteAddress() {
        return remote == null ? null : remote.address();
    }

    public CompletableFuture<Void> reload() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (NamedPool p : pools.values()) {
            all.add(Recycling.reload(p, executor));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops taking calls, lets queued and running calls finish (bounded by stop_timeout), then
     * stops every worker: GOODBYE and drain, SIGTERM, SIGKILL of its tree. Worst case about twice
     * stop_timeout plus term_timeout plus 2 s.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watcher != null) {
            watcher.close();
        }
        if (remote != null) {
            remote.close();
        }
        List<CompletableFuture<Void>> drains = new ArrayList<>();
        for (NamedPool p : pools.values()) {
            drains.add(CompletableFuture.runAsync(() -> {
                try {
                    p.drain(p.cfg.stopTimeout().toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, executor));
        }
        CompletableFuture.allOf(drains.toArray(new CompletableFuture<?>[0])).join();
        List<ProcessHandle> trees = new ArrayList<>();
        for (NamedPool p : pools.values()) {
            for (Worker w : p.workers()) {
                if (w.process != null) {
                    trees.addAll(ProcessTree.snapshot(w.process));
                }
            }
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (NamedPool p : pools.values()) {
            for (Worker w : p.workers()) {
                stops.add(CompletableFuture.runAsync(() -> p.life().stopGracefully(w), executor));
            }
        }
        try {
            CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0])).get(maxStopNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            LOG.warn("pool shutdown: some workers did not stop in time; killing them");
        }
        for (NamedPool p : pools.values()) {
            for (Worker w : p.workers()) {
                if (w.process != null) {
                    ProcessTree.kill(w.process);
                }
            }
            awaitLaunches(p);
        }
        for (ProcessHandle h : trees) {
            if (h.isAlive()) {
                LOG.warn("pool shutdown: pid {} was still alive after the workers stopped; killing it", h.pid());
                ProcessTree.kill(h);
            }
        }
        localListeners.values().forEach(LocalListener::close);
        scheduler.shutdownNow();
        executor.shutdown();
    }

    private long maxStopNanos() {
        long max = 0;
        for (NamedPool p : pools.values()) {
            max = Math.max(max, p.cfg.stopTimeout().toNanos() + p.cfg.termTimeout().toNanos() * 2);
        }
        return max + TimeUnit.SECONDS.toNanos(5);
    }

    /** Launches under way when the pool closed stop their worker themselves; wait for them. */
    private static void awaitLaunches(NamedPool p) {
        long end = System.nanoTime() + p.cfg.startTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
        synchronized (p) {
            while (p.inLaunch.get() > 0 && System.nanoTime() < end) {
                try {
                    TimeUnit.MILLISECONDS.timedWait(p, 50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
