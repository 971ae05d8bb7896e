package io.parley.internal.call;

import io.parley.internal.io.Awaited;
import io.parley.internal.io.Encoded;
import io.parley.internal.io.SerialExecutor;

import io.parley.ProgressListener;
import io.parley.internal.frame.Message;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A request this peer sends or has sent, whose terminal frame has not arrived yet. Its id stays
 * reserved until then, even after the caller gave up (SPEC §6.1), and while it waits in the
 * in-flight queue (not sent yet).
 *
 * <p>The outcome is the terminal message or the failure that ended the call locally, set once. A
 * blocking caller waits for it by parking (no future is allocated); an asynchronous call also
 * completes its {@link #future()}.
 */
public final class OutboundCall implements Awaited {
    private static final VarHandle OUTCOME;
    private static final VarHandle FLAGS;
    private static final int GAVE_UP = 1;
    private static final int CANCEL_SENT = 2;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OUTCOME = l.findVarHandle(OutboundCall.class, "outcome", Object.class);
            FLAGS = l.findVarHandle(OutboundCall.class, "flags", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A failed outcome. */
    private record Failure(Throwable cause) {
    }

    public final int id;
    public final String method;
    public final Type resultType;
    public final ProgressListener progress;
    /** Orders progress callbacks before completion; null without a listener. */
    public final SerialExecutor sequencer;
    /** Asynchronous calls only. */
    private final CompletableFuture<Message> future;
    public volatile ScheduledFuture<?> deadlineTask;

    /** What is needed to send it later, when it waits for an in-flight slot (SPEC §6.5). */
    final byte[] methodBytes;
    final Encoded body;
    /** Absolute System.nanoTime() deadline; 0 = none. */
    final long deadlineNanos;
    volatile boolean sent;
    /** The terminal frame has been read (the outcome may still be completing through the sequencer). */
    volatile boolean terminal;
    /** A blocking caller parked on this call, woken when it completes. */
    volatile Thread waiter;
    /** Notifications received before the terminal frame: handled before the caller sees the outcome (SPEC §6.7). */
    volatile long notificationsBefore;
    @SuppressWarnings("unused") // through OUTCOME
    private volatile Object outcome;
    @SuppressWarnings("unused") // through FLAGS
    private volatile int flags;

    OutboundCall(int id, String method, Type resultType, ProgressListener progress, SerialExecutor sequencer, byte[] methodBytes,
            Encoded body, long deadlineNanos, boolean async) {
        this.id = id;
        this.method = method;
        this.resultType = resultType;
        this.progress = progress;
        this.sequencer = sequencer;
        this.methodBytes = methodBytes;
        this.body = body;
        this.deadlineNanos = deadlineNanos;
        this.future = async ? new CompletableFuture<>() : null;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public Thread waiter() {
        return waiter;
    }

    @Override
    public void waiter(Thread t) {
        waiter = t;
    }

    /** The outcome of an asynchronous call. */
    public CompletableFuture<Message> future() {
        return future;
    }

    public boolean isDone() {
        return outcome != null;
    }

    /** Whether a waiting caller can stop waiting for frames: answered, or ended locally. */
    @Override
    public boolean finished() {
        return terminal || outcome != null;
    }

    @Override
    public boolean gaveUp() {
        return (flags & GAVE_UP) != 0;
    }

    /** Marks the call given up; true the first time. */
    boolean markGaveUp() {
        return setFlag(GAVE_UP);
    }

    /** Marks CANCEL sent; true the first time (SPEC §6.6: at most once). */
    boolean markCancelSent() {
        return setFlag(CANCEL_SENT);
    }

    private boolean setFlag(int bit) {
        while (true) {
            int f = flags;
            if ((f & bit) != 0) {
                return false;
            }
            if (FLAGS.compareAndSet(this, f, f | bit)) {
                return true;
            }
        }
    }

    void complete(Message m) {
        if (OUTCOME.compareAndSet(this, null, m)) {
            wake();
            if (future != null) {
                future.complete(m);
            }
        }
    }

    void fail(Throwable t) {
        if (OUTCOME.compareAndSet(this, null, new Failure(t))) {
            wake();
            if (future != null) {
                future.completeExceptionally(t);
            }
        }
    }

    private void wake() {
        Thread w = waiter;
        if (w != null && w != Thread.currentThread()) {
            LockSupport.unpark(w);
        }
    }

    /** Waits (uninterruptibly, briefly: the terminal frame is in) for the outcome; throws a failure. */
    Message join() {
        Object o = outcome;
        if (o == null) {
            boolean interrupted = false;
            waiter = Thread.currentThread();
            while ((o = outcome) == null) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            waiter = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (o instanceof Failure f) {
            throw Outbound.rethrow(f.cause());
        }
        return (Message) o;
    }
}
