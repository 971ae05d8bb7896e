package io.parley.internal.call;

import io.parley.internal.io.Encoded;

import io.parley.CallOptions;
import io.parley.CancelledException;
import io.parley.MessageTooLargeException;
import io.parley.ShuttingDownException;
import io.parley.DeadlineExceededException;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.Payload;
import io.parley.ProgressListener;
import io.parley.RemoteException;
import io.parley.SessionClosedException;
import io.parley.codec.CodecException;
import io.parley.codec.CompressionLimitException;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.Message;
import io.parley.internal.io.Awaited;
import io.parley.internal.io.FrameWriter;
import io.parley.internal.io.NotificationOrder;
import io.parley.internal.io.ReadRole;
import io.parley.internal.io.SerialExecutor;
import io.parley.internal.frame.MessageTooLongException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this peer makes (SPEC §6): ids, the in-flight limit and its queue, sending, waiting,
 * deadlines, cancellation, and the answers (RESPONSE, ERROR, PROGRESS) that end them; also the
 * notifications it sends. One of the two correlation tables (with {@link Inbound}): it knows the
 * session only through {@link SessionGate}, and sends through the {@link FrameWriter}.
 */
public final class Outbound implements ReadRole.Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Outbound.class);

    private final SessionGate gate;
    private final Settings cfg;
    private final Bodies bodies;
    private final FrameWriter writer;
    private final ReadRole role;
    private final NotificationOrder order;
    private final InFlightLimit limit;
    private final ScheduledExecutorService timer;
    private final Executor completions;
    /** Sends calls that leave the in-flight queue, one at a time and in order. */
    private final SerialExecutor queuedSends;
    private final IntMap<OutboundCall> calls = new IntMap<>();
    /** Method names seen recently, encoded: most sessions call a handful of methods. */
    private final ConcurrentHashMap<String, byte[]> methodCache = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    /** Sent calls whose terminal frame has not arrived. */
    private final AtomicInteger awaiting = new AtomicInteger();

    public Outbound(SessionGate gate, Settings cfg, Bodies bodies, FrameWriter writer, ReadRole role, NotificationOrder order,
            InFlightLimit limit, ScheduledExecutorService timer, Executor completions) {
        this.gate = gate;
        this.cfg = cfg;
        this.bodies = bodies;
        this.writer = writer;
        this.role = role;
        this.order = order;
        this.limit = limit;
        this.timer = timer;
        this.completions = completions;
        this.queuedSends = new SerialExecutor(completions, t -> LOG.warn("sending a queued call failed", t));
    }

    // ------------------------------------------------------------------ starting calls

    /** A blocking call: sends (waiting for an in-flight slot if needed), waits, returns the decoded result. */
    public Object call(String method, Object params, Type type, CallOptions options) {
        long deadline = options.timeoutNanos() > 0 ? System.nanoTime() + options.timeoutNanos() : 0;
        boolean claimed = role.claimForCall(deadline);
        OutboundCall call;
        try {
            call = start(method, params, type, options, deadline, true);
        } catch (RuntimeException | Error e) {
            if (claimed) {
                role.unclaim();
            }
            throw e;
        }
        int r = role.await(call, deadline, cfg.spinNanos());
        if (r == ReadRole.TIMED_OUT && !call.finished()) {
            String what = "no answer to " + method + " within " + io.parley.internal.Durations.text(options.timeoutNanos());
            giveUp(call, new DeadlineExceededException(what));
            throw new DeadlineExceededException(what);
        }
        if (r == ReadRole.INTERRUPTED && !call.finished()) {
            giveUp(call, new CancelledException("call interrupted"));
            throw new CancelledException("interrupted while waiting for " + method + "; the call was cancelled");
        }
        Message m = call.join();
        order.await(call.notificationsBefore);
        return result(call, m);
    }

    /** An asynchronous call: sent now, or queued while the peer's in-flight limit is reached. */
    public OutboundCall startAsync(String method, Object params, Type type, CallOptions options) {
        long deadline = options.timeoutNanos() > 0 ? System.nanoTime() + options.timeoutNanos() : 0;
        OutboundCall call = start(method, params, type, options, deadline, false);
        if (deadline != 0 && !call.isDone()) {
            call.deadlineTask = timer.schedule(() -> giveUp(call, new DeadlineExceededException("no answer to " + method + " within "
                    + io.parley.internal.Durations.text(options.timeoutNanos()))), options.timeoutNanos(), TimeUnit.NANOSECONDS);
        }
        return call;
    }

    /** Completes {@code future} with the call's result, never on the reading thread (user continuations could block it). */
    public void deliver(OutboundCall call, CompletableFuture<Object> future) {
        call.future().whenCompleteAsync((m, error) -> {
            if (error != null) {
                future.completeExceptionally(unwrap(error));
                return;
            }
            order.await(call.notificationsBefore);
            try {
                future.complete(result(call, m));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }, completions);
    }

    private OutboundCall start(String method, Object params, Type type, CallOptions options, long deadline, boolean blocking) {
        gate.checkCanSend();
        byte[] methodBytes = methodBytes(method);
        Encoded body = bodies.encode(params, options.codec(), null);
        checkSize(method, body);
        ProgressListener listener = options.progress();
        SerialExecutor sequencer = listener == null ? null : new SerialExecutor(completions, t -> LOG.warn("progress listener failed", t));
        if (blocking) {
            boolean ok;
            try {
                ok = limit.acquire(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("interrupted while waiting to send " + method);
            }
            if (!ok) {
                throw new DeadlineExceededException("deadline passed while waiting for an in-flight slot for " + method);
            }
        }
        OutboundCall call = new OutboundCall(allocateId(), method, type, listener, sequencer, methodBytes, body, deadline, !blocking);
        calls.put(call.id, call);
        if (gate.isClosed()) {
            // raced with the close: the sweep may have missed our put
            calls.remove(call.id, call);
            if (blocking) {
                limit.release();
            }
            throw gate.closedException();
        }
        if (!blocking) {
            boolean now;
            try {
                now = limit.acquireOrQueue(call);
            } catch (RuntimeException e) {
                calls.remove(call.id, call);
                throw e;
            }
            if (!now) {
                return call; // sent when a slot frees up (FIFO)
            }
        }
        try {
            send(call);
        } catch (RuntimeException e) {
            slotFreed();
            throw e;
        }
        return call;
    }

    private int allocateId() {
        while (true) {
            int id = nextId.incrementAndGet();
            if (id != 0 && !calls.containsKey(id)) {
                return id;
            }
        }
    }

    /** Writes the REQUEST; the caller owns an in-flight slot. Throws when it cannot be sent. */
    private void send(OutboundCall call) {
        long timeoutMs = 0;
        if (call.deadlineNanos != 0) {
            long left = call.deadlineNanos - System.nanoTime();
            if (left <= 0) {
                calls.remove(call.id, call);
                throw new DeadlineExceededException("the deadline of " + call.method + " passed before it was sent");
            }
            timeoutMs = (left + 999_999) / 1_000_000;
        }
        call.sent = true;
        awaiting.incrementAndGet();
        try {
            writer.request(call.id, call.progress != null, timeoutMs, call.methodBytes, call.body, gate.peerMaxFrame());
        } catch (IOException e) {
            if (calls.remove(call.id, call)) {
                awaiting.decrementAndGet();
            }
            throw gate.closedOr(e);
        }
    }

    /** A call left the in-flight queue: send it now (its slot is ours), unless its caller gave up. */
    private void sendQueued(OutboundCall call) {
        if (call.gaveUp() || gate.isClosed()) {
            calls.remove(call.id, call);
            slotFreed();
            gate.callEnded();
            return;
        }
        try {
            send(call);
        } catch (RuntimeException e) {
            calls.remove(call.id, call);
            slotFreed();
            cancelDeadline(call);
            call.fail(e);
            gate.callEnded();
        }
    }

    /** A slot is free: it goes to the oldest waiting call, if any. */
    private void slotFreed() {
        OutboundCall next = limit.release();
        if (next != null) {
            queuedSends.execute(() -> sendQueued(next));
        }
    }

    /**
     * Sends a notification (SPEC §6.7): the method is checked and the body encoded here, then the
     * writer posts it (it does not wait for the write).
     */
    public void notify(String method, Object params) {
        gate.checkCanSend();
        byte[] meta = methodBytes(method);
        Encoded body = bodies.encode(params, null, null);
        checkSize(method, body);
        try {
            writer.notification(meta, body, gate.peerMaxFrame());
        } catch (IOException e) {
            throw gate.closedOr(e);
        }
    }

    /** A body over the peer's max_message (decompressed, SPEC §10.2) is refused here, before anything is sent (SPEC §3.2). */
    private void checkSize(String method, Encoded body) {
        long max = gate.peerMaxMessage();
        if (max > 0 && body.plainLength() > max) {
            throw new MessageTooLargeException("the body of " + method + " is " + body.plainLength()
                    + " bytes (before compression), over the peer's max_message of " + max
                    + "; it was not sent. Send less per message or raise the peer's limit");
        }
    }

    private byte[] methodBytes(String method) {
        byte[] b = methodCache.get(method);
        if (b != null) {
            return b;
        }
        b = method.getBytes(StandardCharsets.UTF_8);
        if (b.length < 1 || b.length > FrameDescriptor.MAX_METHOD_LENGTH) {
            throw new IllegalArgumentException("a method name is 1..255 bytes of UTF-8, got " + b.length + " bytes");
        }
        if (methodCache.size() >= 256) {
            methodCache.clear();
        }
        methodCache.put(method, b);
        return b;
    }

    // ------------------------------------------------------------------ giving up

    /** The caller stops waiting (cancel, deadline, interrupt): fail locally, send CANCEL once (SPEC §6.6). */
    public void giveUp(OutboundCall call, ParleyException reason) {
        if (!call.markGaveUp()) {
            return;
        }
        if (!call.sent && limit.remove(call)) {
            // still queued: it never reached the peer, so it simply goes away
            calls.remove(call.id, call);
            cancelDeadline(call);
            call.fail(reason);
            gate.callEnded();
            return;
        }
        call.fail(reason);
        if (call.sent && calls.get(call.id) == call && call.markCancelSent() && !gate.isClosed()) {
            try {
                writer.cancel(call.id);
            } catch (IOException e) {
                LOG.debug("{}: could not send CANCEL: {}", gate.description(), e.toString());
            }
        }
    }

    private static void cancelDeadline(OutboundCall call) {
        var task = call.deadlineTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    // ------------------------------------------------------------------ answers

    /** RESPONSE, ERROR (id ≥ 1) or PROGRESS for one of our calls. */
    public void onAnswer(Message m) {
        OutboundCall call = calls.get(m.id());
        if (call == null || !call.sent) {
            LOG.debug("{}: ignored {} for unknown id {}", gate.description(), FrameKind.name(m.kind()), Integer.toUnsignedString(m.id()));
            return;
        }
        if (m.kind() == FrameKind.PROGRESS) {
            onProgress(call, m);
            return;
        }
        if (!calls.remove(m.id(), call)) {
            return;
        }
        awaiting.decrementAndGet();
        call.notificationsBefore = order.received();
        call.terminal = true;
        cancelDeadline(call);
        role.completed(call);
        if (call.sequencer != null) {
            call.sequencer.execute(() -> call.complete(m));
        } else {
            call.complete(m);
        }
        slotFreed();
        gate.callEnded();
    }

    private void onProgress(OutboundCall call, Message m) {
        if (call.progress == null || call.gaveUp() || m.bodyLength() == 0) {
            return;
        }
        Payload value;
        try {
            value = bodies.progressValue(m);
        } catch (CompressionLimitException e) {
            throw new MessageTooLongException(e.getMessage());
        }
        if (value == null) {
            LOG.debug("{}: undecodable progress for {}", gate.description(), call.method);
            return;
        }
        call.sequencer.execute(() -> {
            if (!call.gaveUp()) {
                call.progress.onProgress(value);
            }
        });
    }

    /** The result of a terminal message, decoded, or the remote error thrown. */
    public Object result(OutboundCall call, Message m) {
        if (m.kind() == FrameKind.ERROR) {
            RemoteException e = bodies.remoteError(m.body(), call.method);
            if (e.code() == ErrorCode.DEADLINE_EXCEEDED.code()) {
                // the peer's clock ran out first: same outcome as our own deadline
                throw new DeadlineExceededException(call.method + ": the peer reported its deadline passed: " + e.errorMessage());
            }
            throw e;
        }
        try {
            return bodies.decode(m, call.resultType);
        } catch (CodecException e) {
            if (e.code() == ErrorCode.UNSUPPORTED_ENCODING.code()) { // SPEC 1.1 §6.2
                throw CodecException.unsupportedEncoding("cannot decode the result of " + call.method + ": " + e.getMessage());
            }
            throw new CodecException("cannot decode the result of " + call.method + ": " + e.getMessage(), e.isMalformed(), e);
        }
    }

    // ------------------------------------------------------------------ session state

    /** Whether sent calls wait for their terminal frame. */
    @Override
    public boolean awaitingAnswers() {
        return awaiting.get() > 0;
    }

    /** A caller blocked in a read an interrupt cannot end was interrupted: its call is cancelled. */
    @Override
    public void interruptedWhileReading(Awaited call) {
        giveUp((OutboundCall) call, new CancelledException("call interrupted"));
    }

    /** Calls not finished: sent and waiting for their terminal frame, or queued for a slot. */
    public int outstanding() {
        return calls.size();
    }

    public boolean isEmpty() {
        return calls.isEmpty();
    }

    /** GOODBYE sent (SPEC §8.5): calls still queued were never sent; they fail with SHUTTING_DOWN. */
    public void stopSending() {
        List<OutboundCall> queued = limit.close(() -> new ShuttingDownException(
                "the session is shutting down (GOODBYE); no new calls. Retry on another session"));
        for (OutboundCall c : queued) {
            calls.remove(c.id, c);
            cancelDeadline(c);
            c.fail(new ShuttingDownException(c.method
                    + " was still waiting for an in-flight slot when the session started shutting down; it was not sent"));
        }
    }

    /** The session ended: every call fails at once with {@code cause} (SPEC §8.6). */
    public void failAll(SessionClosedException cause) {
        limit.close(() -> gate.closedException());
        for (OutboundCall call : calls.values()) {
            if (calls.remove(call.id, call)) {
                cancelDeadline(call);
                call.fail(cause);
            }
        }
        awaiting.set(0);
    }

    public static RuntimeException rethrow(Throwable t) {
        Throwable u = unwrap(t);
        if (u instanceof RuntimeException r) {
            return r;
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, String.valueOf(u), u);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether the call {@code id} asked for its result as a {@link io.parley.Payload} (a chunked RAW one then stays in pieces). */
    public boolean wantsPayload(int id) {
        OutboundCall call = calls.get(id);
        return call != null && call.resultType == io.parley.Payload.class;
    }
}
