package io.parley.pool.internal;

import io.parley.CallOptions;
import io.parley.Handlers;
import io.parley.Session;
import io.parley.pool.PoolConfig;
import io.parley.pool.PoolListener;
import io.parley.pool.PoolStats;
import io.parley.pool.RemoteWorkers;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The running pool behind {@link io.parley.pool.WorkerPool}: named pools, router, remote listener. */
public final class PoolRuntime {
    private PoolRuntime() {
    }

    public static PoolRuntime start(List<PoolConfig> configs, RemoteWorkers remote, Handlers handlers,
            Consumer<Session.Builder> sessionOptions, PoolListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public Object call(String method, Object params, Type type, CallOptions options) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public <T> CompletableFuture<T> callAsync(String method, Object params, Type type, CallOptions options) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public PoolStats stats() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public PoolStats stats(String pool) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public Set<String> poolNames() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public boolean isHealthy() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public String remoteAddress() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public CompletableFuture<Void> reload() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void close() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
