package io.parley.internal.io;

import io.parley.transport.Capabilities;
import io.parley.transport.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of the read role shared by its parts ({@link ReadRole} the facade, {@link WorkerReads},
 * {@link CallerReads}, {@link RoleWatchdog}), and the role transitions. Every part works on this
 * one object, so the rules below are the only lock rules of the read role.
 *
 * <h2>Lock discipline</h2>
 *
 * One {@link ReentrantLock} ({@link #lock}) guards every field of the role (holder, busy,
 * waiters, the pending inline requests, the watchdog and its interval). Rules: nothing blocks
 * while holding it (no I/O, no handler, no park); a thread never reads or runs a handler with it
 * held; tasks a holder gives up are collected under the lock ({@link #dispatchLater}) and started
 * outside it ({@link #flushMoved}); callbacks into the call layer ({@link ReadRole.Calls}) and into
 * the writer are made without it. {@code holder} may be read without the lock only to compare it
 * with the current thread. Methods whose names end in {@code Locked}, and {@link #take}, {@link
 * #setBusy}, {@link #release}, {@link #reserveWorker}, {@link #dispatchLater}, are called with
 * the lock held; {@link #readOnce} and {@link #flushMoved} without it. {@link #decoding} and
 * {@link #batch} are touched only by the holder while it decodes.
 */
final class RoleState {
    final Reader reader;
    final NotificationOrder order;
    final boolean callersRead;
    final boolean timedReads;
    final boolean interruptibleReads;
    /**
     * Reads cannot be bounded in time but the medium counts its ready bytes ({@link
     * Transport#readable()}): a caller with a deadline polls, and reads only once bytes are there.
     */
    final boolean pollReads;
    /**
     * Polling pays only when answers come within the poll budget; on a crowded core a caller that
     * yields may wait for other processes' time slices. After a slow poll the next {@link
     * #pollPause} calls with a deadline leave reading to a session thread (the thread that reads
     * stays in its read: one wake-up per answer), then one call polls again. Doubles on each slow
     * poll up to {@link #MAX_POLL_PAUSE}, halves on each quick one. A heuristic: unguarded.
     */
    volatile int pollPause;
    private int pollPenalty;
    static final int MAX_POLL_PAUSE = 1024;
    private final Transport transport;
    volatile ReadRole.Calls calls;
    final Executor handlers;
    final Workers workers;
    final SerialExecutor notifications;
    final FrameWriter writer;
    final boolean inline;

    // ---- the read role (guarded by lock)
    final ReentrantLock lock = new ReentrantLock();
    Thread holder;
    boolean holderIsWorker;
    /** A worker task was started to take the free role. */
    boolean reserved;
    /** The holder is not reading: it runs handlers or writes. */
    boolean busy;
    long acquisitions = 1;
    /** Requests the busy holder will run inline; moved to other threads if it loses the role. */
    final ArrayDeque<Runnable> inlinePending = new ArrayDeque<>();
    /** Blocking callers that may read, parked until their call ends or the role is handed to them. */
    final ArrayDeque<Thread> waiters = new ArrayDeque<>();
    /** The call of a caller holding the role. */
    Awaited holderCall;
    /** The holder is a caller that took the role before sending its request (see {@link CallerReads#claimForCall}). */
    boolean claimed;
    boolean closed;
    /** When the current busy spell began, and when the role last became free (System.nanoTime()). */
    long busySince;
    long freeSince;
    /** Requests or notifications a holder gave up wait in {@link #toDispatch}. */
    volatile boolean movedWaiting;

    // ---- used only by the holder while it decodes
    Thread decoding;
    ReadBatch batch;
    /** The batch of a caller holding the role (one holder at a time: reused). */
    final ReadBatch callerBatch = new ReadBatch(false);
    /** Tasks a holder gave up, started by {@link #flushMoved} outside the lock. */
    final ArrayDeque<Runnable> toDispatch = new ArrayDeque<>();
    /** Set once by {@link ReadRole} before the role is used. */
    RoleWatchdog watchdog;
    /** A worker's turn at reading (set once by {@link ReadRole}). */
    Runnable workerTask;

    RoleState(Transport transport, Reader reader, NotificationOrder order, Executor handlers, Workers workers,
            FrameWriter writer, boolean inline) {
        Capabilities caps = transport.capabilities();
        this.callersRead = caps.sharedReads();
        this.timedReads = caps.timedReads();
        this.interruptibleReads = caps.interruptibleReads();
        this.transport = transport;
        // polling yields the CPU to the peer; on one CPU (a pinned process) a yielding poller loses
        // its turn to every other runnable process, where a blocked reader is woken first
        this.pollReads = callersRead && !timedReads && Runtime.getRuntime().availableProcessors() > 1 && readableNow(transport) >= 0;
        this.reader = reader;
        this.order = order;
        this.handlers = handlers;
        this.workers = workers;
        this.notifications = order.executor();
        this.writer = writer;
        this.inline = inline;
    }

    boolean mayRead(Thread t, long deadlineNanos) {
        return callersRead && !Threads.isVirtual(t) && (deadlineNanos == 0 || timedReads || (pollReads && pollPause == 0));
    }

    /** A blocking call with a deadline starts: one call less of the pause after a slow poll. */
    void callStarting(long deadlineNanos) {
        int p = pollPause;
        if (p > 0 && mustPoll(deadlineNanos)) {
            pollPause = p - 1;
        }
    }

    /** How a poll went: a quick answer halves the next pause, a slow one doubles it and pauses polling. */
    void pollOutcome(boolean quick) {
        if (quick) {
            pollPenalty /= 2;
            return;
        }
        pollPenalty = Math.min(MAX_POLL_PAUSE, Math.max(16, pollPenalty * 2));
        pollPause = pollPenalty;
    }

    /** Whether a caller with this deadline must poll before it reads (it may not block past the deadline). */
    boolean mustPoll(long deadlineNanos) {
        return deadlineNanos != 0 && !timedReads;
    }

    /** The bytes a read would return now; a failing medium says "some" (the read reports the failure). */
    int readable() {
        try {
            return transport.readable();
        } catch (java.io.IOException e) {
            return 1;
        }
    }

    private static int readableNow(Transport t) {
        try {
            return t.readable();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Reads once through the pump, marked as the decoding thread. Holder only. Returns -1 when the input ended or failed. */
    int readOnce(long timeoutNanos, ReadBatch b) {
        return readOnce(timeoutNanos, Integer.MAX_VALUE, b);
    }

    /** As {@link #readOnce(long, ReadBatch)}, reading at most {@code maxBytes} (the bytes known to be ready). */
    int readOnce(long timeoutNanos, int maxBytes, ReadBatch b) {
        decoding = Thread.currentThread();
        batch = b;
        try {
            return reader.readOnce(timeoutNanos, maxBytes);
        } finally {
            decoding = null;
            batch = null;
        }
    }

    void reserveWorker() {
        if (reserved || closed) {
            return;
        }
        reserved = true;
        if (!workers.tryExecute(workerTask)) {
            reserved = false;
        }
    }

    void take(Thread t, boolean worker) {
        claimed = false;
        holder = t;
        holderIsWorker = worker;
        busy = false;
        acquisitions++;
    }

    void setBusy() {
        busy = true;
        busySince = System.nanoTime();
        watchdog.arm();
    }

    /** The holder gives the role up: to a parked caller, to a worker when reading is needed, or leaves it free. */
    void release() {
        claimed = false;
        holder = null;
        busy = false;
        holderIsWorker = false;
        holderCall = null;
        if (closed) {
            return;
        }
        Thread w = waiters.poll();
        if (w != null) {
            take(w, false);
            LockSupport.unpark(w);
            return;
        }
        if (needsReader()) {
            reserveWorker();
            return;
        }
        freeSince = System.nanoTime();
        watchdog.arm(); // free: a worker takes over if it stays free for a tick
    }

    /** Takes the role from a busy holder (itself or the watchdog); returns the requests it had not started. */
    List<Runnable> relinquishLocked() {
        movedWaiting = true; // at least the notifications it may have left get kicked
        claimed = false;
        List<Runnable> moved = inlinePending.isEmpty() ? List.of() : new ArrayList<>(inlinePending);
        inlinePending.clear();
        holder = null;
        busy = false;
        holderIsWorker = false;
        holderCall = null;
        if (closed) {
            return moved;
        }
        Thread w = waiters.poll();
        if (w != null) {
            take(w, false);
            LockSupport.unpark(w);
        } else {
            reserveWorker();
        }
        return moved;
    }

    boolean needsReader() {
        return calls.awaitingAnswers() || reader.hasPartialInput();
    }

    void dispatchLater(List<Runnable> moved) {
        toDispatch.addAll(moved);
        movedWaiting = true;
    }

    /** Outside the lock: starts the requests a holder gave up, and any notifications it left. */
    void flushMoved() {
        if (!movedWaiting) {
            return;
        }
        List<Runnable> moved;
        lock.lock();
        try {
            movedWaiting = false;
            moved = new ArrayList<>(toDispatch);
            toDispatch.clear();
        } finally {
            lock.unlock();
        }
        for (Runnable r : moved) {
            try {
                handlers.execute(r);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
        notifications.kick();
    }

    void leaveAfterEnd(Thread me) {
        lock.lock();
        try {
            if (holder == me) {
                holder = null;
                busy = false;
            }
        } finally {
            lock.unlock();
        }
    }
}
