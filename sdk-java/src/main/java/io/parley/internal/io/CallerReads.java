package io.parley.internal.io;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocking callers' side of the read role: a caller that may read (a
 * platform thread whose transport allows shared, and if needed timed, reads) takes the free role
 * and reads until its own answer arrives; others park until their call ends or the role is
 * handed to them. Works on the shared {@link RoleState} under its lock rules.
 */
final class CallerReads {
    /**
     * How long a caller with a deadline polls a medium without timed reads for its answer before
     * it leaves reading to a session thread and parks: a quick answer is read on the caller's own
     * thread (no hand-off), a slow one costs this much polling once.
     */
    static final long POLL_NANOS = 100_000;
    /** {@link #readFor} outcome: the answer is slow, reading was left to others; park. */
    private static final int LEFT_TO_OTHERS = -2;
    private final RoleState s;

    CallerReads(RoleState s) {
        this.s = s;
    }

    /**
     * Waits for {@code call} to finish. A caller that may read takes the read role when it is
     * free (or is handed it) and reads until its answer arrives; others park. Returns {@link
     * ReadRole#DONE}, {@link ReadRole#TIMED_OUT} ({@code deadlineNanos} passed) or {@link ReadRole#INTERRUPTED} (the
     * interrupt status is kept).
     */
    int await(Awaited call, long deadlineNanos, long spinNanos) {
        Thread me = Thread.currentThread();
        boolean mayRead = s.mayRead(me, deadlineNanos);
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
        boolean reads = mayRead;
        try {
            while (!call.finished()) {
                if (reads) {
                    int r = readFor(me, call, deadlineNanos);
                    if (r > ReadRole.DONE) {
                        return r;
                    }
                    if (r == ReadRole.DONE) {
                        continue;
                    }
                    if (r == LEFT_TO_OTHERS) {
                        reads = false;
                    }
                }
                if (me.isInterrupted()) {
                    return ReadRole.INTERRUPTED;
                }
                if (deadlineNanos != 0) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return ReadRole.TIMED_OUT;
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                }
            }
            return ReadRole.DONE;
        } finally {
            call.waiter(null);
            if (mayRead) {
                s.lock.lock();
                try {
                    s.waiters.remove(me);
                    if (s.holder == me && (!s.busy || s.claimed)) {
                        s.release(); // handed or claimed the role, and the call ended without reading
                    }
                } finally {
                    s.lock.unlock();
                }
            }
        }
    }

    /** Reads for {@code call} if this thread holds or can s.take the role; else queues as a waiter. */
    private int readFor(Thread me, Awaited call, long deadlineNanos) {
        boolean nested;
        s.lock.lock();
        try {
            if (s.closed) {
                return ReadRole.NOT_HOLDER;
            }
            if (s.holder == me) {
                // handed the role, claimed it before sending, or a handler on the reading thread calls the peer
                nested = s.busy && !s.claimed;
                s.claimed = false;
                s.busy = false;
            } else if (s.holder == null) {
                s.take(me, false);
                nested = false;
            } else {
                if (!s.waiters.contains(me)) {
                    s.waiters.add(me);
                }
                return ReadRole.NOT_HOLDER;
            }
            s.waiters.remove(me);
            s.holderCall = call;
            if (!s.interruptibleReads) {
                s.watchdog.arm(); // an interrupt cannot end this read: the watchdog turns one into a CANCEL
            }
        } finally {
            s.lock.unlock();
        }
        ReadBatch b = s.callerBatch;
        int result = ReadRole.DONE;
        boolean holding = true;
        boolean poll = s.mustPoll(deadlineNanos);
        long pollUntil = 0;
        try {
            while (!call.finished()) {
                if (me.isInterrupted()) {
                    result = ReadRole.INTERRUPTED;
                    break;
                }
                long timeout = 0;
                if (deadlineNanos != 0) {
                    timeout = deadlineNanos - System.nanoTime();
                    if (timeout <= 0) {
                        result = ReadRole.TIMED_OUT;
                        break;
                    }
                }
                int ready = Integer.MAX_VALUE;
                if (poll) {
                    // no timed reads: read only bytes that are there, never block past the deadline
                    ready = s.readable();
                    if (ready <= 0) {
                        long now = System.nanoTime();
                        if (pollUntil == 0) {
                            pollUntil = now + POLL_NANOS;
                        } else if (now - pollUntil >= 0) {
                            result = LEFT_TO_OTHERS; // slow answer: a session thread reads it
                            break;
                        }
                        Thread.yield(); // on a shared core this lets the peer answer
                        continue;
                    }
                    timeout = 0;
                }
                b.reset();
                if (s.readOnce(timeout, ready, b) < 0) {
                    break; // the session ended: every call failed
                }
                if (!afterCallerBatch(me, b)) {
                    holding = false;
                    break;
                }
            }
        } finally {
            if (poll) {
                s.pollOutcome(pollUntil == 0 || System.nanoTime() - pollUntil < 0);
            }
            s.lock.lock();
            try {
                if (s.holder == me) {
                    s.holderCall = null;
                    if (nested && !s.closed) {
                        // back to the handler: stay the (busy) holder unless others need the input
                        if (!s.waiters.isEmpty() || s.calls.awaitingAnswers()) {
                            s.busy = true;
                            List<Runnable> moved = s.relinquishLocked();
                            s.dispatchLater(moved);
                        } else {
                            s.setBusy();
                        }
                    } else {
                        s.release();
                    }
                } else if (holding) {
                    // the session closed under us
                }
            } finally {
                s.lock.unlock();
            }
            s.flushMoved();
        }
        return result;
    }

    private boolean afterCallerBatch(Thread me, ReadBatch b) {
        if (b.notified) {
            s.notifications.kick();
        }
        if (!s.writer.hasUnflushed()) {
            return true;
        }
        s.lock.lock();
        try {
            if (s.holder != me) {
                return false;
            }
            s.setBusy();
        } finally {
            s.lock.unlock();
        }
        try {
            s.writer.flushQueued();
        } catch (IOException e) {
            // reported by the writer
        }
        s.lock.lock();
        try {
            if (s.holder != me) {
                return false;
            }
            s.busy = false;
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * The calling thread is about to block (a handler sleeping, a sender waiting for the writer or
     * a slot): if it holds the role while busy, hand reading over now rather than after a tick.
     */
    void yieldRole() {
        if (s.holder != Thread.currentThread()) {
            return;
        }
        s.lock.lock();
        try {
            if (s.holder != Thread.currentThread() || !s.busy) {
                return;
            }
            s.dispatchLater(s.relinquishLocked());
        } finally {
            s.lock.unlock();
        }
        s.flushMoved();
    }

    /**
     * A blocking call that will read its own answer takes the free role before it sends its request,
     * so the input is not left unattended while a large request is written. It holds the role busy
     * until it starts reading: the watchdog takes it over if the write stall Returns whether it
     * took the role; {@link #unclaim()} gives it back when the call could not be sent.
     */
    boolean claimForCall(long deadlineNanos) {
        Thread me = Thread.currentThread();
        s.callStarting(deadlineNanos);
        if (!s.mayRead(me, deadlineNanos) || s.holder != null) {
            return false;
        }
        s.lock.lock();
        try {
            if (s.closed || s.holder != null) {
                return false;
            }
            s.take(me, false);
            s.claimed = true;
            s.setBusy();
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    /** The s.claimed call was not sent: the role goes back. */

    /** The claimed call was not sent: the role goes back. */
    void unclaim() {
        s.lock.lock();
        try {
            if (s.holder == Thread.currentThread() && s.claimed) {
                s.release();
            }
        } finally {
            s.lock.unlock();
        }
    }
}
