package io.parley.pool;

import io.parley.CallOptions;
import io.parley.Handlers;
import io.parley.Session;
import io.parley.TypeRef;
import io.parley.pool.internal.ConfigFile;
import io.parley.pool.internal.PoolRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A supervised pool of PHP workers, called like one local service. See the {@linkplain
 * io.parley.pool package documentation} for the options, the soft/hard limit rule and what each
 * error means.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.builder()
 *         .command(List.of("php", "worker.php")).workers(4)
 *         .maxJobs(1000).execTtl(Duration.ofSeconds(30))
 *         .pool("slow", p -> p.workers(1).routes(List.of("report.*")))
 *         .start()) {
 *     String hello = pool.call("greet", Map.of("name", "Ada"), String.class);
 *     CompletableFuture<Report> r = pool.callAsync("report.monthly", params, Report.class,
 *             CallOptions.none().withProgress(p -> bar.step()));
 *     PoolStats stats = pool.stats();
 * }
 * }</pre>
 *
 * <p>Calls may be made from any thread. A call goes to the pool whose routes match its method
 * (first match in declaration order; else the default pool), there to the least-loaded idle
 * worker, else it waits in a bounded FIFO queue. Calls are never retried by the pool: a call that
 * fails because its worker died may have had effects.
 */
public final class WorkerPool implements AutoCloseable {
    private final PoolRuntime runtime;

    private WorkerPool(PoolRuntime runtime) {
        this.runtime = runtime;
    }

    /** A builder with every default (see the package documentation). */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a pool from a YAML or JSON config file ({@code parley.yaml}). */
    public static WorkerPool fromFile(Path configFile) throws IOException {
        return builder().configFile(configFile).start();
    }

    // ------------------------------------------------------------------ calls

    /** Calls {@code method} on a worker and waits for its result. */
    public <T> T call(String method, Object params, Class<T> resultType) {
        return call(method, params, resultType, CallOptions.none());
    }

    /** As {@link #call(String, Object, Class)}, with a deadline, a progress listener or a codec. */
    public <T> T call(String method, Object params, Class<T> resultType, CallOptions options) {
        @SuppressWarnings("unchecked")
        T result = (T) runtime.call(method, params, box(resultType), options);
        return result;
    }

    /** As {@link #call(String, Object, Class, CallOptions)}, for generic result types. */
    @SuppressWarnings("unchecked")
    public <T> T call(String method, Object params, TypeRef<T> resultType, CallOptions options) {
        return (T) runtime.call(method, params, resultType, options);
    }

    /**
     * Calls {@code method} without waiting. The future completes exactly once, with the result or
     * one of the errors in the package documentation; cancelling it cancels the call (on the
     * worker too, if it was sent). Refusals ({@link PoolOverloadedException}, {@link
     * PoolUnhealthyException}, {@link PoolClosedException}) complete the future exceptionally.
     */
    public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType) {
        return callAsync(method, params, resultType, CallOptions.none());
    }

    /** As {@link #callAsync(String, Object, Class)}, with options. */
    public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType, CallOptions options) {
        return runtime.callAsync(method, params, box(resultType), options);
    }

    /** As {@link #callAsync(String, Object, Class)}, for generic result types. */
    public <T> CompletableFuture<T> callAsync(String method, Object params, TypeRef<T> resultType, CallOptions options) {
        return runtime.callAsync(method, params, resultType, options);
    }

    /**
     * A typed proxy of {@code service} whose calls go to the pool's workers, as
     * {@link io.parley.Session#proxy(Class)} does for one session. A {@code @Notification} method
     * throws {@link UnsupportedOperationException}: a pool routes calls, not notifications.
     */
    public <T> T proxy(Class<T> service) {
        WorkerPool self = this;
        return io.parley.internal.proxy.ProxyInvoker.create(service, new io.parley.internal.proxy.RemoteCalls() {
            @Override
            public Object call(String method, Object params, java.lang.reflect.Type resultType) {
                return self.call(method, params, TypeRef.ofType(resultType), CallOptions.none());
            }

            @Override
            public CompletableFuture<Object> callAsync(String method, Object params, java.lang.reflect.Type resultType) {
                return self.callAsync(method, params, TypeRef.ofType(resultType), CallOptions.none());
            }

            @Override
            public void notify(String method, Object params) {
                throw new UnsupportedOperationException("a pool does not send notifications (" + method
                        + "); call a @Request method, or notify through one session");
            }

            @Override
            public String describe() {
                return self.toString();
            }
        });
    }

    // ------------------------------------------------------------------ state

    /** A snapshot of the whole pool (all named pools together, {@code pool() == "*"}). */
    public PoolStats stats() {
        return runtime.stats();
    }

    /** A snapshot of one named pool. */
    public PoolStats stats(String pool) {
        return runtime.stats(pool);
    }

    /** The names of the pools, default first. */
    public Set<String> poolNames() {
        return runtime.poolNames();
    }

    /** False when a crash-loop breaker is open in any named pool. */
    public boolean isHealthy() {
        return runtime.isHealthy();
    }

    /** The bound address of the remote-worker listener ({@code host:port}), or {@code null}. */
    public String remoteAddress() {
        return runtime.remoteAddress();
    }

    /**
     * Rolling restart of every worker, one at a time (the replacement is ready before the old one
     * drains), as when a watched file changes; also closes an open crash-loop breaker. Returns at
     * once; the future completes when every worker has been replaced.
     */
    public CompletableFuture<Void> reload() {
        return runtime.reload();
    }

    /**
     * Graceful shutdown: stops taking calls, lets queued and running calls finish within the stop
     * timeout, says GOODBYE, then SIGTERM and SIGKILL the workers' process trees. Calls still queued
     * at the timeout fail with {@link PoolClosedException}. No worker process is left. Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return "WorkerPool" + runtime.poolNames();
    }

    @SuppressWarnings("unchecked")
    private static <T> TypeRef<T> box(Class<T> type) {
        return (TypeRef<T>) TypeRef.of(boxed(type));
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        if (type == short.class) {
            return Short.class;
        }
        if (type == byte.class) {
            return Byte.class;
        }
        if (type == char.class) {
            return Character.class;
        }
        return Void.class;
    }

    /**
     * Options of a pool: the setters of the default pool's {@link PoolConfig.Builder} (named pools
     * inherit them), plus named pools, remote workers, handlers for calls from the workers, and
     * session options.
     */
    public static final class Builder {
        private final PoolConfig.Builder defaults = PoolConfig.builder();
        private final Map<String, Consumer<PoolConfig.Builder>> named = new LinkedHashMap<>();
        private RemoteWorkers remote;
        private Handlers handlers;
        private Consumer<Session.Builder> sessionOptions = b -> { };
        private PoolListener listener = new PoolListener() { };

        private Builder() {
        }

        /**
         * Reads a YAML or JSON config file (keys in the package documentation). Relative paths in
         * it are resolved against the file's directory, which is also the default working dir.
         * Settings made on this builder after this call override the file's.
         */
        public Builder configFile(Path file) throws IOException {
            ConfigFile.apply(file, this);
            return this;
        }

        /** Edits the default pool's settings (those named pools inherit). */
        public Builder defaults(Consumer<PoolConfig.Builder> edit) {
            edit.accept(defaults);
            return this;
        }

        /**
         * Adds (or edits) a named pool: it starts from the default pool's settings and {@code
         * edit} changes them; give it {@link PoolConfig.Builder#routes(List) routes}.
         */
        public Builder pool(String name, Consumer<PoolConfig.Builder> edit) {
            if (PoolConfig.DEFAULT_POOL.equals(name)) {
                return defaults(edit);
            }
            Consumer<PoolConfig.Builder> earlier = named.get(name);
            named.put(name, earlier == null ? edit : earlier.andThen(edit));
            return this;
        }

        public Builder command(List<String> command) {
            return defaults(b -> b.command(command));
        }

        public Builder script(String phpScript) {
            return defaults(b -> b.script(phpScript));
        }

        public Builder workers(int workers) {
            return defaults(b -> b.workers(workers));
        }

        public Builder env(String name, String value) {
            return defaults(b -> b.env(name, value));
        }

        public Builder workingDir(Path dir) {
            return defaults(b -> b.workingDir(dir));
        }

        public Builder transport(WorkerTransport transport) {
            return defaults(b -> b.transport(transport));
        }

        public Builder maxConcurrent(int max) {
            return defaults(b -> b.maxConcurrent(max));
        }

        public Builder queueSize(int size) {
            return defaults(b -> b.queueSize(size));
        }

        public Builder allocateTimeout(Duration timeout) {
            return defaults(b -> b.allocateTimeout(timeout));
        }

        public Builder maxJobs(long jobs) {
            return defaults(b -> b.maxJobs(jobs));
        }

        public Builder ttl(Duration ttl) {
            return defaults(b -> b.ttl(ttl));
        }

        public Builder idleTtl(Duration idleTtl) {
            return defaults(b -> b.idleTtl(idleTtl));
        }

        public Builder maxMemory(long bytes) {
            return defaults(b -> b.maxMemory(bytes));
        }

        public Builder execTtl(Duration execTtl) {
            return defaults(b -> b.execTtl(execTtl));
        }

        public Builder execGrace(Duration grace) {
            return defaults(b -> b.execGrace(grace));
        }

        public Builder startTimeout(Duration timeout) {
            return defaults(b -> b.startTimeout(timeout));
        }

        public Builder stopTimeout(Duration timeout) {
            return defaults(b -> b.stopTimeout(timeout));
        }

        public Builder termTimeout(Duration timeout) {
            return defaults(b -> b.termTimeout(timeout));
        }

        public Builder watchTick(Duration tick) {
            return defaults(b -> b.watchTick(tick));
        }

        public Builder watch(List<Path> paths) {
            return defaults(b -> b.watch(paths));
        }

        /** Accepts remote workers (see {@link RemoteWorkers}). */
        public Builder remote(RemoteWorkers remote) {
            this.remote = remote;
            return this;
        }

        /** Handlers for requests and notifications the workers send to this side. */
        public Builder handlers(Handlers handlers) {
            this.handlers = handlers;
            return this;
        }

        /** Further options for every worker session (codec, max frame, heartbeat...). */
        public Builder sessionOptions(Consumer<Session.Builder> options) {
            this.sessionOptions = Objects.requireNonNull(options);
            return this;
        }

        public Builder listener(PoolListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** The settings of every pool, default first, as {@link #start()} will use them. */
        public List<PoolConfig> configs() {
            List<PoolConfig> all = new ArrayList<>();
            PoolConfig base = defaults.build();
            all.add(base);
            for (Map.Entry<String, Consumer<PoolConfig.Builder>> e : named.entrySet()) {
                PoolConfig.Builder b = base.toBuilder().name(e.getKey()).routes(List.of());
                e.getValue().accept(b);
                all.add(b.build());
            }
            return all;
        }

        /**
         * Starts every worker and waits until all are ready (bounded by the start timeout). Throws
         * {@link PoolUnhealthyException} when the workers cannot start (the message has their
         * stderr).
         */
        public WorkerPool start() throws IOException {
            return new WorkerPool(PoolRuntime.start(configs(), remote, handlers, sessionOptions, listener));
        }
    }
}
