package io.parley.pool.internal;

import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.TypeRef;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** One call through the pool: what to send, and the future the caller holds (completed once). */
final class PoolCall {
    final String method;
    final Object params;
    final TypeRef<?> type;
    final CallOptions options;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    final long acceptedNanos = System.nanoTime();
    /** Guarded by the named pool's lock. */
    ScheduledFuture<?> allocateTimer;
    Worker worker;
    /** exec_ttl (not the caller's deadline) bounds the call on the wire. */
    boolean execLimited;
    volatile CallFuture<Object> sent;

    PoolCall(String method, Object params, TypeRef<?> type, CallOptions options) {
        this.method = method;
        this.params = params;
        this.type = type;
        this.options = options;
    }

    /** The caller's own deadline as an absolute nanoTime, or 0. */
    long deadlineNanos() {
        long t = options.timeoutNanos();
        return t == 0 ? 0 : acceptedNanos + t;
    }
}
