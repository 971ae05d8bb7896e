package io.parley.internal.call;

import io.parley.OverloadedException;
import io.parley.ParleyException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The peer's in-flight limit (SPEC §6.5): at most {@code max_in_flight} of our requests are
 * outstanding. Calls over the limit wait in one FIFO queue: blocking callers park in it,
 * asynchronous calls are queued (at most {@code maxQueued} of them) and sent by whoever frees a
 * slot. An asynchronous call that finds the queue full fails at once with {@link
 * OverloadedException}. A slot is freed by the terminal frame, not by the caller giving up.
 */
public final class InFlightLimit {
    private static final class Ticket {
        final Thread thread;
        boolean granted;

        Ticket(Thread thread) {
            this.thread = thread;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final int maxQueued;
    private final Runnable beforeBlocking;
    /** {@link OutboundCall} (asynchronous, not sent) or {@link Ticket} (a parked blocking caller). */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int limit = 1;
    private int available = 1;
    private int queuedCalls;
    private Supplier<? extends ParleyException> closed;

    public InFlightLimit(int maxQueued, Runnable beforeBlocking) {
        this.maxQueued = maxQueued;
        this.beforeBlocking = beforeBlocking;
    }

    /** The peer's max_in_flight, from its HELLO (before any call). */
    public void limit(int n) {
        lock.lock();
        try {
            available += n - limit;
            limit = n;
        } finally {
            lock.unlock();
        }
    }

    public int limit() {
        return limit;
    }

    /**
     * Takes a slot for a blocking call, waiting in FIFO order. Returns false when {@code
     * deadlineNanos} (0 = none) passed first; throws the closing reason when no more calls may
     * be sent.
     */
    public boolean acquire(long deadlineNanos) throws InterruptedException {
        Ticket t;
        lock.lock();
        try {
            if (closed != null) {
                throw closed.get();
            }
            if (available > 0 && queue.isEmpty()) {
                available--;
                return true;
            }
            t = new Ticket(Thread.currentThread());
            queue.add(t);
        } finally {
            lock.unlock();
        }
        beforeBlocking.run();
        while (true) {
            lock.lock();
            try {
                if (t.granted) {
                    return true;
                }
                boolean interrupted = Thread.interrupted();
                long left = deadlineNanos == 0 ? 1 : deadlineNanos - System.nanoTime();
                if (closed != null || interrupted || left <= 0) {
                    queue.remove(t);
                    if (closed != null) {
                        throw closed.get();
                    }
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    return false;
                }
            } finally {
                lock.unlock();
            }
            if (deadlineNanos == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, deadlineNanos - System.nanoTime());
            }
        }
    }

    /**
     * Takes a slot for an asynchronous call, or queues it. Returns true when the call may be sent
     * now, false when it was queued (it will come back from {@link #release()}).
     *
     * @throws OverloadedException when the queue is full
     */
    public boolean acquireOrQueue(OutboundCall call) {
        lock.lock();
        try {
            if (closed != null) {
                throw closed.get();
            }
            if (available > 0 && queue.isEmpty()) {
                available--;
                return true;
            }
            if (queuedCalls >= maxQueued) {
                throw new OverloadedException("the peer's in-flight limit (" + limit + ") is reached and " + queuedCalls
                        + " calls already wait for a slot (maxQueuedCalls " + maxQueued + "); " + call.method
                        + " was not sent. Retry later");
            }
            queue.add(call);
            queuedCalls++;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees a slot. It goes to the oldest waiter: a parked caller is woken, a queued call is
     * returned and the caller of this method must send it (it owns the slot now).
     */
    public OutboundCall release() {
        lock.lock();
        try {
            Object head = queue.poll();
            if (head == null) {
                available = Math.min(limit, available + 1);
                return null;
            }
            if (head instanceof Ticket t) {
                t.granted = true;
                LockSupport.unpark(t.thread);
                return null;
            }
            queuedCalls--;
            return (OutboundCall) head;
        } finally {
            lock.unlock();
        }
    }

    /** Removes a queued call its caller gave up on; false when it is not queued (sent already). */
    public boolean remove(OutboundCall call) {
        lock.lock();
        try {
            if (queue.remove(call)) {
                queuedCalls--;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * No more requests may be sent (GOODBYE, or the session ended): parked callers throw {@code
     * reason}; returns the queued calls for the caller to fail.
     */
    public List<OutboundCall> close(Supplier<? extends ParleyException> reason) {
        List<OutboundCall> out = new ArrayList<>();
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
            }
            for (Iterator<Object> it = queue.iterator(); it.hasNext();) {
                Object o = it.next();
                if (o instanceof OutboundCall c) {
                    out.add(c);
                    it.remove();
                } else if (o instanceof Ticket t) {
                    LockSupport.unpark(t.thread);
                }
            }
            queuedCalls = 0;
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** Calls waiting for a slot (asynchronous ones). */
    public int queued() {
        lock.lock();
        try {
            return queuedCalls;
        } finally {
            lock.unlock();
        }
    }
}
