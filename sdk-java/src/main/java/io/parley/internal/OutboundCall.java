package io.parley.internal;

import io.parley.ProgressListener;
import io.parley.internal.frame.Message;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A request this peer sends or has sent, whose terminal frame has not arrived yet. Its id stays
 * reserved until then, even after the caller gave up (SPEC §6.1), and while it waits in the
 * in-flight queue (not sent yet).
 */
public final class OutboundCall {
    public final int id;
    public final String method;
    public final Type resultType;
    public final ProgressListener progress;
    /** Orders progress callbacks before completion; null without a listener. */
    public final SerialExecutor sequencer;
    /** The terminal message (RESPONSE or ERROR), or the failure that ended the call locally. */
    public final CompletableFuture<Message> outcome = new CompletableFuture<>();
    public final AtomicBoolean gaveUp = new AtomicBoolean();
    public final AtomicBoolean cancelSent = new AtomicBoolean();
    public volatile ScheduledFuture<?> deadlineTask;

    /** What is needed to send it later, when it waits for an in-flight slot (SPEC §6.5). */
    final byte[] methodBytes;
    final Bodies.Encoded body;
    /** Absolute System.nanoTime() deadline; 0 = none. */
    final long deadlineNanos;
    volatile boolean sent;
    /** The terminal frame has been read (the outcome may still be completing through the sequencer). */
    volatile boolean terminal;
    /** A blocking caller parked on this call, woken when it completes. */
    volatile Thread waiter;

    OutboundCall(int id, String method, Type resultType, ProgressListener progress, SerialExecutor sequencer, byte[] methodBytes,
            Bodies.Encoded body, long deadlineNanos) {
        this.id = id;
        this.method = method;
        this.resultType = resultType;
        this.progress = progress;
        this.sequencer = sequencer;
        this.methodBytes = methodBytes;
        this.body = body;
        this.deadlineNanos = deadlineNanos;
    }

    /** Whether a waiting caller can stop waiting for frames: answered, or ended locally. */
    public boolean finished() {
        return terminal || outcome.isDone();
    }

    void complete(Message m) {
        outcome.complete(m);
        wake();
    }

    void fail(Throwable t) {
        outcome.completeExceptionally(t);
        wake();
    }

    void wake() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
