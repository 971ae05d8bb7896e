package io.parley.internal.io;

import io.parley.transport.Capabilities;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which thread reads the session's input, so that a round trip costs no more thread hand-offs
 * than a plain blocking echo: the leader/follower <em>read role</em> and its watchdog. The bytes
 * themselves go through {@link Reader} (the pump), notification order through {@link
 * NotificationOrder}.
 *
 * <h2>Lock discipline</h2>
 *
 * One {@link ReentrantLock} guards every field of the role (holder, busy, waiters, the pending
 * inline requests, the watchdog). Rules: nothing blocks while holding it (no I/O, no handler, no
 * park); a thread never reads or runs a handler with it held; tasks a holder gives up are collected
 * under the lock ({@link #dispatchLater}) and started outside it ({@link #flushMoved}); callbacks
 * into the call layer ({@link Calls}) and into the writer are made without it. {@code holder}
 * may be read without the lock only to compare it with the current thread.
 *
 * <h2>The read role</h2>
 *
 * At most one thread at a time holds the <em>read role</em> and reads; the role moves between
 * threads instead of messages moving between threads:
 *
 * <ul>
 *   <li>A <b>blocking call</b> on a platform thread whose transport allows it ({@link
 *       Capabilities#sharedReads()}, and {@link Capabilities#timedReads()} if the call has a
 *       deadline) takes the role when it is free and reads until its own answer arrives; frames for
 *       others are dispatched on the way. Other blocking callers park and are handed the role in
 *       turn, so a lone caller never waits for another thread to wake it up.
 *   <li>Otherwise a <b>worker</b> (a session platform thread) reads. A worker that decodes a
 *       request runs its handler itself, after the batch, without handing anything over: the
 *       common request/response costs the callee one blocking read, as a plain echo does.
 *       Notification handlers run the same way, in order.
 * </ul>
 *
 * <h2>Never blocking the input</h2>
 *
 * A role holder that is not reading (running a handler, writing) is <em>busy</em>. A watchdog on
 * the session timer, armed only while there is something to watch, takes the role away from a
 * holder that has been busy for a whole tick, and gives it to a parked caller or a fresh worker;
 * requests the holder had not started yet move to other workers. It also hands a role that has
 * been free for a whole tick to a worker, so frames nobody waits for (the peer's requests,
 * notifications, PINGs) get read. While it finds nothing to do its interval doubles, up to four
 * ticks (a timer wake-up costs 10-20 us of CPU on this kind of VM), so reading pauses for at most
 * about five ticks (5 ms by default) when a handler blocks, calls the peer and waits, or runs
 * long, and usually for one or two. Known blocking points (a
 * handler's nested {@code call}, {@code ctx.sleep}, waiting for the writer or an in-flight slot)
 * hand the role over at once, or keep reading on the same thread for a nested call. Frames the
 * reading thread sends itself (PONG, errors) are queued and written after its batch, never in
 * the middle of one.
 */
public final class ReadRole {
    private static final Logger LOG = LoggerFactory.getLogger(ReadRole.class);
    /** Ticks with nothing to watch before the watchdog stops ticking. */
    private static final int QUIET_TICKS = 8;

    /** Outcomes of {@link #await}. */
    public static final int DONE = 0;
    public static final int TIMED_OUT = 1;
    public static final int INTERRUPTED = 2;
    private static final int NOT_HOLDER = -1;

    /** What the role needs from the calls this side makes (implemented by the call layer). */
    public interface Calls {
        /** Whether sent calls wait for their terminal frame: someone must keep reading. */
        boolean awaitingAnswers();

        /** A caller blocked in an uninterruptible read was interrupted: give its call up (sends CANCEL). */
        void interruptedWhileReading(Awaited call);
    }

    private final Reader reader;
    private final NotificationOrder order;
    private final boolean callersRead;
    private final boolean timedReads;
    private final boolean interruptibleReads;
    private volatile Calls calls;
    private final Executor handlers;
    private final Workers workers;
    private final ScheduledExecutorService timer;
    private final SerialExecutor notifications;
    private final FrameWriter writer;
    private final boolean inline;
    private final long tickNanos;
    private final long maxTickNanos;

    // ---- the read role (guarded by lock)
    private final ReentrantLock lock = new ReentrantLock();
    private Thread holder;
    private boolean holderIsWorker;
    /** A worker task was started to take the free role. */
    private boolean reserved;
    /** The holder is not reading: it runs handlers or writes. */
    private boolean busy;
    private long acquisitions = 1;
    /** Requests the busy holder will run inline; moved to other threads if it loses the role. */
    private final ArrayDeque<Runnable> inlinePending = new ArrayDeque<>();
    /** Blocking callers that may read, parked until their call ends or the role is handed to them. */
    private final ArrayDeque<Thread> waiters = new ArrayDeque<>();
    /** The call of a caller holding the role. */
    private Awaited holderCall;
    /** The holder is a caller that took the role before sending its request (see {@link #claimForCall}). */
    private boolean claimed;
    private boolean closed;
    /** When the current busy spell began, and when the role last became free (System.nanoTime()). */
    private long busySince;
    private long freeSince;
    private ScheduledFuture<?> watchdog;
    /** The watchdog's current interval: {@link #tickNanos}, doubled while there is nothing to do, up to {@link #maxTickNanos}. */
    private long interval;
    private int calmTicks;
    private int quietTicks;
    /** Requests or notifications a holder gave up wait in {@link #toDispatch}. */
    private volatile boolean movedWaiting;

    // ---- used only by the holder while it decodes
    private Thread decoding;
    private Batch batch;
    /** The batch of a caller holding the role (one holder at a time: reused). */
    private final Batch callerBatch = new Batch(false);

    /** What one read produced that the holder deals with after decoding. */
    private static final class Batch {
        final boolean inlineAllowed;
        final ArrayList<Runnable> inline = new ArrayList<>(4);
        boolean notified;
        boolean servedReadingCaller;

        Batch(boolean inlineAllowed) {
            this.inlineAllowed = inlineAllowed;
        }

        void reset() {
            inline.clear();
            notified = false;
            servedReadingCaller = false;
        }
    }

    public ReadRole(Transport transport, Reader reader, NotificationOrder order, Executor handlers, Workers workers,
            ScheduledExecutorService timer, FrameWriter writer, boolean inline, long tickNanos) {
        Capabilities caps = transport.capabilities();
        this.callersRead = caps.sharedReads();
        this.timedReads = caps.timedReads();
        this.interruptibleReads = caps.interruptibleReads();
        this.reader = reader;
        this.order = order;
        this.handlers = handlers;
        this.workers = workers;
        this.timer = timer;
        this.notifications = order.executor();
        this.writer = writer;
        this.inline = inline;
        this.tickNanos = Math.max(50_000, tickNanos);
        this.maxTickNanos = 4 * this.tickNanos;
        this.interval = this.tickNanos;
    }

    /** Sets the call layer's callbacks (once, when the session is wired). */
    public void calls(Calls c) {
        this.calls = c;
    }

    /** Starts reading on a worker (before the handshake). */
    public void start() {
        lock.lock();
        try {
            reserveWorker();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ dispatch, from the session

    /** Whether the calling thread is decoding input: the writer queues its frames instead of writing them. */
    public boolean isDecodingThread() {
        return decoding == Thread.currentThread();
    }

    /** Runs a request handler: after the batch on this thread when it may, else on the handler executor. */
    public void runHandler(Runnable task) {
        if (decoding == Thread.currentThread() && batch.inlineAllowed) {
            batch.inline.add(task);
            return;
        }
        handlers.execute(task);
    }

    /** Delivers a notification in order (SPEC §6.7): drained after the batch on this thread when it may. */
    public void deliverNotification(Runnable task) {
        Runnable counted = order.counted(task);
        if (decoding == Thread.currentThread()) {
            notifications.post(counted);
            batch.notified = true;
            return;
        }
        notifications.execute(counted);
    }

    /** The session completed a call: if its caller reads by itself, the worker lets it read next time. */
    public void completed(Awaited call) {
        Thread waiter = call.waiter();
        if (decoding == Thread.currentThread() && waiter != null && mayRead(waiter, call.deadlineNanos())) {
            batch.servedReadingCaller = true;
        }
    }

    private boolean mayRead(Thread t, long deadlineNanos) {
        return callersRead && !Threads.isVirtual(t) && (deadlineNanos == 0 || timedReads);
    }

    // ------------------------------------------------------------------ reading

    /** Reads once through the pump, marked as the decoding thread. Holder only. Returns -1 when the input ended or failed. */
    private int readOnce(long timeoutNanos, Batch b) {
        decoding = Thread.currentThread();
        batch = b;
        try {
            return reader.readOnce(timeoutNanos);
        } finally {
            decoding = null;
            batch = null;
        }
    }

    // ------------------------------------------------------------------ workers

    private void reserveWorker() {
        if (reserved || closed) {
            return;
        }
        reserved = true;
        if (!workers.tryExecute(this::workerRead)) {
            reserved = false;
        }
    }

    /** A worker's turn at reading: until it hands the role over, loses it, or the input ends. */
    private void workerRead() {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            reserved = false;
            if (closed || holder != null) {
                return;
            }
            take(me, true);
        } finally {
            lock.unlock();
        }
        Batch b = new Batch(inline);
        while (true) {
            b.reset();
            int n = readOnce(0, b);
            if (n < 0) {
                leaveAfterEnd(me);
                return;
            }
            if (n == 0) {
                Thread.interrupted(); // nobody interrupts a worker on purpose: read on
                continue;
            }
            if (!afterWorkerBatch(me, b)) {
                return;
            }
            lock.lock();
            try {
                if (holder != me || closed) {
                    return;
                }
                if (!waiters.isEmpty()) {
                    // a parked caller reads its own answer: one hand-off now instead of one per answer
                    release();
                    return;
                }
                if (b.servedReadingCaller && !needsReader()) {
                    // the caller that just got its answer will read by itself next time
                    release();
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Flushes queued frames, delivers notifications and runs the batch's requests, while busy. */
    private boolean afterWorkerBatch(Thread me, Batch b) {
        boolean flush = writer.hasUnflushed();
        if (!flush && !b.notified && b.inline.isEmpty()) {
            return true;
        }
        Runnable first = null;
        lock.lock();
        try {
            if (holder != me) {
                return false;
            }
            if (!b.inline.isEmpty() && (!waiters.isEmpty() || calls.awaitingAnswers())) {
                // answers are expected: keep the input moving on another thread while this one
                // runs the handler (leader/follower), rather than leaving them unread for a tick
                first = b.inline.remove(0);
                for (Runnable r : b.inline) {
                    handlers.execute(r);
                }
                b.inline.clear();
                busy = true;
                relinquishLocked();
            } else {
                setBusy();
                for (int i = 0; i < b.inline.size(); i++) {
                    inlinePending.add(b.inline.get(i));
                }
                b.inline.clear();
            }
        } finally {
            lock.unlock();
        }
        if (flush) {
            try {
                writer.flushQueued();
            } catch (IOException e) {
                // the writer reports it; the input side sees the end soon
            }
        }
        if (b.notified) {
            notifications.drainHere();
            Thread.interrupted(); // a notification handler's interrupt must not leak into the next read
        }
        if (first != null) {
            flushMoved();
            runSafely(first);
            return false;
        }
        while (true) {
            Runnable r;
            lock.lock();
            try {
                if (holder != me) {
                    return false;
                }
                r = inlinePending.poll();
                if (r == null) {
                    busy = false;
                    return true;
                }
            } finally {
                lock.unlock();
            }
            runSafely(r);
        }
    }

    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.warn("handler task failed", t);
        } finally {
            Thread.interrupted(); // a handler's interrupt must not leak into the next read
        }
    }

    // ------------------------------------------------------------------ callers

    /**
     * Waits for {@code call} to finish. A caller that may read takes the read role when it is
     * free (or is handed it) and reads until its answer arrives; others park. Returns {@link
     * #DONE}, {@link #TIMED_OUT} ({@code deadlineNanos} passed) or {@link #INTERRUPTED} (the
     * interrupt status is kept).
     */
    public int await(Awaited call, long deadlineNanos, long spinNanos) {
        Thread me = Thread.currentThread();
        boolean mayRead = mayRead(me, deadlineNanos);
        if (!mayRead) {
            yieldRole(); // a handler on the reading thread that must park: let another thread read
        }
        if (spinNanos > 0 && !call.finished()) {
            long until = System.nanoTime() + spinNanos;
            while (!call.finished() && System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }
        call.waiter(me);
        try {
            while (!call.finished()) {
                if (mayRead) {
                    int r = readFor(me, call, deadlineNanos);
                    if (r > DONE) {
                        return r;
                    }
                    if (r == DONE) {
                        continue;
                    }
                }
                if (me.isInterrupted()) {
                    return INTERRUPTED;
                }
                if (deadlineNanos != 0) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return TIMED_OUT;
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                }
            }
            return DONE;
        } finally {
            call.waiter(null);
            if (mayRead) {
                lock.lock();
                try {
                    waiters.remove(me);
                    if (holder == me && (!busy || claimed)) {
                        release(); // handed or claimed the role, and the call ended without reading
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Reads for {@code call} if this thread holds or can take the role; else queues as a waiter. */
    private int readFor(Thread me, Awaited call, long deadlineNanos) {
        boolean nested;
        lock.lock();
        try {
            if (closed) {
                return NOT_HOLDER;
            }
            if (holder == me) {
                // handed the role, claimed it before sending, or a handler on the reading thread calls the peer
                nested = busy && !claimed;
                claimed = false;
                busy = false;
            } else if (holder == null) {
                take(me, false);
                nested = false;
            } else {
                if (!waiters.contains(me)) {
                    waiters.add(me);
                }
                return NOT_HOLDER;
            }
            waiters.remove(me);
            holderCall = call;
            if (!interruptibleReads) {
                armWatchdog(); // an interrupt cannot end this read: the watchdog turns one into a CANCEL
            }
        } finally {
            lock.unlock();
        }
        Batch b = callerBatch;
        int result = DONE;
        boolean holding = true;
        try {
            while (!call.finished()) {
                if (me.isInterrupted()) {
                    result = INTERRUPTED;
                    break;
                }
                long timeout = 0;
                if (deadlineNanos != 0) {
                    timeout = deadlineNanos - System.nanoTime();
                    if (timeout <= 0) {
                        result = TIMED_OUT;
                        break;
                    }
                }
                b.reset();
                if (readOnce(timeout, b) < 0) {
                    break; // the session ended: every call failed
                }
                if (!afterCallerBatch(me, b)) {
                    holding = false;
                    break;
                }
            }
        } finally {
            lock.lock();
            try {
                if (holder == me) {
                    holderCall = null;
                    if (nested && !closed) {
                        // back to the handler: stay the (busy) holder unless others need the input
                        if (!waiters.isEmpty() || calls.awaitingAnswers()) {
                            busy = true;
                            List<Runnable> moved = relinquishLocked();
                            dispatchLater(moved);
                        } else {
                            setBusy();
                        }
                    } else {
                        release();
                    }
                } else if (holding) {
                    // the session closed under us
                }
            } finally {
                lock.unlock();
            }
            flushMoved();
        }
        return result;
    }

    private boolean afterCallerBatch(Thread me, Batch b) {
        if (b.notified) {
            notifications.kick();
        }
        if (!writer.hasUnflushed()) {
            return true;
        }
        lock.lock();
        try {
            if (holder != me) {
                return false;
            }
            setBusy();
        } finally {
            lock.unlock();
        }
        try {
            writer.flushQueued();
        } catch (IOException e) {
            // reported by the writer
        }
        lock.lock();
        try {
            if (holder != me) {
                return false;
            }
            busy = false;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The calling thread is about to block (a handler sleeping, a sender waiting for the writer or
     * a slot): if it holds the role while busy, hand reading over now rather than after a tick.
     */
    public void yieldRole() {
        if (holder != Thread.currentThread()) {
            return;
        }
        lock.lock();
        try {
            if (holder != Thread.currentThread() || !busy) {
                return;
            }
            dispatchLater(relinquishLocked());
        } finally {
            lock.unlock();
        }
        flushMoved();
    }

    // ------------------------------------------------------------------ role transitions (lock held)

    /**
     * A blocking call that will read its own answer takes the free role before it sends its request,
     * so the input is not left unattended while a large request is written. It holds the role busy
     * until it starts reading: the watchdog takes it over if the write stalls. Returns whether it
     * took the role; {@link #unclaim()} gives it back when the call could not be sent.
     */
    public boolean claimForCall(long deadlineNanos) {
        Thread me = Thread.currentThread();
        if (!mayRead(me, deadlineNanos) || holder != null) {
            return false;
        }
        lock.lock();
        try {
            if (closed || holder != null) {
                return false;
            }
            take(me, false);
            claimed = true;
            setBusy();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The claimed call was not sent: the role goes back. */
    public void unclaim() {
        lock.lock();
        try {
            if (holder == Thread.currentThread() && claimed) {
                release();
            }
        } finally {
            lock.unlock();
        }
    }

    private void take(Thread t, boolean worker) {
        claimed = false;
        holder = t;
        holderIsWorker = worker;
        busy = false;
        acquisitions++;
    }

    private void setBusy() {
        busy = true;
        busySince = System.nanoTime();
        armWatchdog();
    }

    /** The holder gives the role up: to a parked caller, to a worker when reading is needed, or leaves it free. */
    private void release() {
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
        armWatchdog(); // free: a worker takes over if it stays free for a tick
    }

    /** Takes the role from a busy holder (itself or the watchdog); returns the requests it had not started. */
    private List<Runnable> relinquishLocked() {
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

    private boolean needsReader() {
        return calls.awaitingAnswers() || reader.hasPartialInput();
    }

    private final ArrayDeque<Runnable> toDispatch = new ArrayDeque<>();

    private void dispatchLater(List<Runnable> moved) {
        toDispatch.addAll(moved);
        movedWaiting = true;
    }

    /** Outside the lock: starts the requests a holder gave up, and any notifications it left. */
    private void flushMoved() {
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

    private void leaveAfterEnd(Thread me) {
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

    // ------------------------------------------------------------------ watchdog

    private void armWatchdog() {
        quietTicks = 0;
        if (watchdog != null || closed) {
            return;
        }
        interval = tickNanos;
        calmTicks = 0;
        schedule();
    }

    private void schedule() {
        try {
            watchdog = timer.schedule(this::tick, interval, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            watchdog = null; // the session is closing
        }
    }

    /**
     * One watchdog tick: gives a role that stayed free, or whose holder stayed busy, for a whole
     * {@link #tickNanos} to another thread. While it finds nothing to do its interval doubles (up
     * to four ticks: a wake-up costs ~10-20 us of CPU on a virtual machine); it stops once a
     * worker has been reading for a while, and is re-armed by the next busy spell or free role.
     */
    private void tick() {
        Awaited interrupted = null;
        lock.lock();
        try {
            watchdog = null;
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            boolean acted = false;
            boolean quiet = false;
            if (holder == null) {
                if (!reserved && now - freeSince >= tickNanos) {
                    reserveWorker(); // free for a whole tick: read what nobody waits for
                    acted = true;
                }
            } else if (busy) {
                if (now - busySince >= tickNanos) {
                    // busy for a whole tick: blocked or slow; reading goes on elsewhere
                    dispatchLater(relinquishLocked());
                    acted = true;
                }
            } else if (holderCall != null && !interruptibleReads) {
                // a caller blocked in a read an interrupt cannot end: keep an eye on it
                if (holder.isInterrupted() && !holderCall.gaveUp()) {
                    interrupted = holderCall;
                }
            } else {
                quiet = true;
            }
            if (quiet && ++quietTicks >= QUIET_TICKS) {
                return; // someone reads: nothing to watch until the next busy spell or free role
            }
            if (!quiet) {
                quietTicks = 0;
            }
            if (acted) {
                interval = tickNanos;
                calmTicks = 0;
            } else if (++calmTicks >= 2 && interval < maxTickNanos) {
                interval = Math.min(maxTickNanos, interval * 2);
                calmTicks = 0;
            }
            schedule();
        } finally {
            lock.unlock();
        }
        flushMoved();
        if (interrupted != null) {
            calls.interruptedWhileReading(interrupted);
        }
    }

    private void stopWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

    /** The session ended: wakes parked callers; the holder stops at its next read. */
    public void close() {
        order.close();
        lock.lock();
        try {
            closed = true;
            stopWatchdog();
            for (Thread w : waiters) {
                LockSupport.unpark(w);
            }
            waiters.clear();
        } finally {
            lock.unlock();
        }
    }
}
