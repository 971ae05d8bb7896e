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

    /** The options the call goes out with: the caller's deadline, or exec_ttl when it is shorter. */
    CallOptions wireOptions(io.parley.pool.PoolConfig cfg) {
        CallOptions opts = options;
        long deadline = deadlineNanos();
        long left = deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (left <= 0) {
            throw new io.parley.DeadlineExceededException("the deadline of " + method + " passed before a worker took it");
        }
        long execTtl = cfg.execTtl().toNanos();
        if (execTtl > 0 && execTtl < left) {
            opts = opts.withTimeout(cfg.execTtl());
            execLimited = true;
        } else if (deadline != 0) {
            opts = opts.withTimeout(java.time.Duration.ofNanos(left));
        }
        return opts;
    }
}
