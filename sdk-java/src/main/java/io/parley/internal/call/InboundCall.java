package io.parley.internal.call;

import io.parley.RequestContext;
import io.parley.CancelledException;
import io.parley.DeadlineExceededException;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.internal.frame.FrameFlags;
import io.parley.internal.frame.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request from the peer being processed: the handler's {@link RequestContext}. The session facade
 * subclasses it (through {@link HandlerHost#newCall}) to add {@link RequestContext#session()}, so
 * this layer never names the public session.
 */
public abstract class InboundCall implements RequestContext {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InboundCall.class);
    final Inbound inbound;
    final int id;
    final String method;
    final Message request;
    final boolean wantsProgress;
    /** Arrival + timeout_ms, in System.nanoTime(); 0 = none. */
    final long deadlineNanos;
    private final Instant deadlineInstant;
    /** Exactly one terminal frame per request (SPEC §6.2). */
    final AtomicBoolean answered = new AtomicBoolean();
    private final Object lock = new Object();
    private ErrorCode cancelReason;
    private List<Runnable> onCancel;
    volatile ScheduledFuture<?> deadlineTask;

    /** For the facade's subclass only; see {@link HandlerHost#newCall}. */
    protected InboundCall(Inbound inbound, Message request, String method, long arrivalNanos) {
        this.inbound = inbound;
        this.id = request.id();
        this.method = method;
        this.request = request;
        this.wantsProgress = request.hasFlag(FrameFlags.WANT_PROGRESS);
        long timeoutMs = request.timeoutMs();
        if (timeoutMs > 0) {
            this.deadlineNanos = arrivalNanos + timeoutMs * 1_000_000L;
            this.deadlineInstant = Instant.now().plusMillis(timeoutMs);
        } else {
            this.deadlineNanos = 0;
            this.deadlineInstant = null;
        }
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadlineInstant);
    }

    @Override
    public Duration remaining() {
        return deadlineNanos == 0 ? null : Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    @Override
    public boolean isCancelled() {
        synchronized (lock) {
            return cancelReason != null;
        }
    }

    ErrorCode cancelReason() {
        synchronized (lock) {
            return cancelReason;
        }
    }

    @Override
    public void checkCancelled() {
        ErrorCode reason = cancelReason();
        if (reason != null) {
            throw cancelledException(reason);
        }
    }

    private ParleyException cancelledException(ErrorCode reason) {
        return reason == ErrorCode.DEADLINE_EXCEEDED
                ? new DeadlineExceededException("the deadline of " + method + " passed")
                : new CancelledException(method + " was cancelled by the caller");
    }

    @Override
    public void sleep(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        if (duration.toNanos() > 0) {
            inbound.aboutToBlock(); // a handler on the reading thread: another thread reads meanwhile
        }
        synchronized (lock) {
            while (true) {
                if (cancelReason != null) {
                    throw cancelledException(cancelReason);
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000L), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException(method + " was interrupted");
                }
            }
        }
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (lock) {
            if (cancelReason == null) {
                if (onCancel == null) {
                    onCancel = new ArrayList<>(2);
                }
                onCancel.add(action);
                return;
            }
        }
        action.run();
    }

    /** Marks the call cancelled (first reason wins), wakes sleepers and runs the hooks. */
    void cancel(ErrorCode reason) {
        List<Runnable> hooks;
        synchronized (lock) {
            if (cancelReason != null) {
                return;
            }
            cancelReason = reason;
            hooks = onCancel;
            onCancel = null;
            lock.notifyAll();
        }
        if (hooks != null) {
            for (Runnable r : hooks) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("onCancel hook of {} failed", method, e);
                }
            }
        }
    }

    @Override
    public boolean wantsProgress() {
        return wantsProgress;
    }

    @Override
    public void progress(Object value) {
        if (!wantsProgress || answered.get()) {
            return;
        }
        inbound.sendProgress(this, value);
    }
}
