package io.parley.internal.io;

import io.parley.transport.Transport;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.LockSupport;

/**
 * Which thread reads the session's input, so that a round trip costs no more thread hand-offs
 * than a plain blocking echo: the leader/follower <em>read role</em> and its watchdog. The bytes
 * themselves go through {@link Reader} (the pump), notification order through {@link
 * NotificationOrder}.
 *
 * <h2>Parts and lock discipline</h2>
 *
 * This class is the facade the session sees. The role's state and transitions, and the one lock
 * that guards them with its rules, are in {@link RoleState}; a worker's reading loop is {@link
 * WorkerReads}, a blocking caller's is {@link CallerReads}, the watchdog is {@link RoleWatchdog}.
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
    /** Outcomes of {@link #await}. */
    public static final int DONE = 0;
    public static final int TIMED_OUT = 1;
    public static final int INTERRUPTED = 2;
    static final int NOT_HOLDER = -1;

    /** What the role needs from the calls this side makes (implemented by the call layer). */
    public interface Calls {
        /** Whether sent calls wait for their terminal frame: someone must keep reading. */
        boolean awaitingAnswers();

        /** A caller blocked in an uninterruptible read was interrupted: give its call up (sends CANCEL). */
        void interruptedWhileReading(Awaited call);
    }

    private final RoleState s;
    private final CallerReads callers;

    public ReadRole(Transport transport, Reader reader, NotificationOrder order, Executor handlers, Workers workers,
            ScheduledExecutorService timer, FrameWriter writer, boolean inline, long tickNanos) {
        this.s = new RoleState(transport, reader, order, handlers, workers, writer, inline);
        s.watchdog = new RoleWatchdog(s, timer, tickNanos);
        s.workerTask = new WorkerReads(s);
        this.callers = new CallerReads(s);
    }

    /** Sets the call layer's callbacks (once, when the session is wired). */
    public void calls(Calls c) {
        s.calls = c;
    }

    /** Starts reading on a worker (before the handshake). */
    public void start() {
        s.lock.lock();
        try {
            s.reserveWorker();
        } finally {
            s.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ dispatch, from the session

    /** Whether the calling thread is decoding input: the writer queues its frames instead of writing them. */
    public boolean isDecodingThread() {
        return s.decoding == Thread.currentThread();
    }

    /** Runs a request handler: after the batch on this thread when it may, else on the handler executor. */
    public void runHandler(Runnable task) {
        if (s.decoding == Thread.currentThread() && s.batch.inlineAllowed) {
            s.batch.inline.add(task);
            return;
        }
        s.handlers.execute(task);
    }

    /** Delivers a notification in order (SPEC §6.7): drained after the batch on this thread when it may. */
    public void deliverNotification(Runnable task) {
        Runnable counted = s.order.counted(task);
        if (s.decoding == Thread.currentThread()) {
            s.notifications.post(counted);
            s.batch.notified = true;
            return;
        }
        s.notifications.execute(counted);
    }

    /** The session completed a call: if its caller reads by itself, the worker lets it read next time. */
    public void completed(Awaited call) {
        Thread waiter = call.waiter();
        if (s.decoding == Thread.currentThread() && waiter != null && s.mayRead(waiter, call.deadlineNanos())) {
            s.batch.servedReadingCaller = true;
        }
    }

    // ------------------------------------------------------------------ blocking callers

    /**
     * Waits for {@code call} to finish. A caller that may read takes the read role when it is
     * free (or is handed it) and reads until its answer arrives; others park. Returns {@link
     * #DONE}, {@link #TIMED_OUT} ({@code deadlineNanos} passed) or {@link #INTERRUPTED} (the
     * interrupt status is kept).
     */
    public int await(Awaited call, long deadlineNanos, long spinNanos) {
        return callers.await(call, deadlineNanos, spinNanos);
    }

    /**
     * The calling thread is about to block (a handler sleeping, a sender waiting for the writer or
     * a slot): if it holds the role while busy, hand reading over now rather than after a tick.
     */
    public void yieldRole() {
        callers.yieldRole();
    }

    /**
     * A blocking call that will read its own answer takes the free role before it sends its request,
     * so the input is not left unattended while a large request is written. It holds the role busy
     * until it starts reading: the watchdog takes it over if the write stalls. Returns whether it
     * took the role; {@link #unclaim()} gives it back when the call could not be sent.
     */
    public boolean claimForCall(long deadlineNanos) {
        return callers.claimForCall(deadlineNanos);
    }

    /** The claimed call was not sent: the role goes back. */
    public void unclaim() {
        callers.unclaim();
    }

    /** The session ended: wakes parked callers; the holder stops at its next read. */
    public void close() {
        s.order.close();
        s.lock.lock();
        try {
            s.closed = true;
            s.watchdog.stop();
            for (Thread w : s.waiters) {
                LockSupport.unpark(w);
            }
            s.waiters.clear();
        } finally {
            s.lock.unlock();
        }
    }
}
