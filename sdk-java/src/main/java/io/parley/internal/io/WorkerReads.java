package io.parley.internal.io;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's turn at reading: a session platform thread takes the free read role, reads, flushes
 * the frames it queued, delivers notifications in order (SPEC §6.7) and runs the requests of its
 * batch itself, until it hands the role over, loses it, or the input ends. Works on the shared
 * {@link RoleState} under its lock rules.
 */
final class WorkerReads implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadRole.class);
    private final RoleState s;

    WorkerReads(RoleState s) {
        this.s = s;
    }

    /** A worker's turn at reading: until it hands the role over, loses it, or the input ends. */
    @Override
    public void run() {
        Thread me = Thread.currentThread();
        s.lock.lock();
        try {
            s.reserved = false;
            if (s.closed || s.holder != null) {
                return;
            }
            s.take(me, true);
        } finally {
            s.lock.unlock();
        }
        ReadBatch b = new ReadBatch(s.inline);
        while (true) {
            b.reset();
            int n = s.readOnce(0, b);
            if (n < 0) {
                s.leaveAfterEnd(me);
                return;
            }
            if (n == 0) {
                Thread.interrupted(); // nobody interrupts a worker on purpose: read on
                continue;
            }
            if (!afterWorkerBatch(me, b)) {
                return;
            }
            s.lock.lock();
            try {
                if (s.holder != me || s.closed) {
                    return;
                }
                if (!s.waiters.isEmpty()) {
                    // a parked caller reads its own answer: one hand-off now instead of one per answer
                    s.release();
                    return;
                }
                if (b.servedReadingCaller && !s.needsReader()) {
                    // the caller that just got its answer will read by itself next time
                    s.release();
                    return;
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Flushes queued frames, delivers s.notifications and runs the s.batch's requests, while s.busy. */
    private boolean afterWorkerBatch(Thread me, ReadBatch b) {
        boolean flush = s.writer.hasUnflushed();
        if (!flush && !b.notified && b.inline.isEmpty()) {
            return true;
        }
        Runnable first = null;
        s.lock.lock();
        try {
            if (s.holder != me) {
                return false;
            }
            if (!b.inline.isEmpty() && (!s.waiters.isEmpty() || s.calls.awaitingAnswers())) {
                // answers are expected: keep the input moving on another thread while this one
                // runs the handler (leader/follower), rather than leaving them unread for a tick
                first = b.inline.remove(0);
                for (Runnable r : b.inline) {
                    s.handlers.execute(r);
                }
                b.inline.clear();
                s.busy = true;
                s.relinquishLocked();
            } else {
                s.setBusy();
                for (int i = 0; i < b.inline.size(); i++) {
                    s.inlinePending.add(b.inline.get(i));
                }
                b.inline.clear();
            }
        } finally {
            s.lock.unlock();
        }
        if (flush) {
            try {
                s.writer.flushQueued();
            } catch (IOException e) {
                // the writer reports it; the input side sees the end soon
            }
        }
        if (b.notified) {
            s.notifications.drainHere();
            Thread.interrupted(); // a notification handler's interrupt must not leak into the next read
        }
        if (first != null) {
            s.flushMoved();
            runSafely(first);
            return false;
        }
        while (true) {
            Runnable r;
            s.lock.lock();
            try {
                if (s.holder != me) {
                    return false;
                }
                r = s.inlinePending.poll();
                if (r == null) {
                    s.busy = false;
                    return true;
                }
            } finally {
                s.lock.unlock();
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
}
