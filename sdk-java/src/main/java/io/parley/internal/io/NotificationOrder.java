package io.parley.internal.io;

/**
 * SPEC §6.7, delivery in the order of arrival: notification handlers run one at a time, in order,
 * on a {@link SerialExecutor}; a response or request that arrived after some notifications is seen
 * only once their handlers have returned. The reading thread counts what it posts ({@link
 * #counted}); a caller waits with {@link #await} for the count it saw with its frame.
 */
public final class NotificationOrder {
    private final SerialExecutor serial;
    /** Notifications received (written by the reading thread) and handled (by the serial executor). */
    private volatile long posted;
    private volatile long delivered;
    /** The thread running a notification handler now, if any. */
    private volatile Thread noteThread;
    private final Object delivery = new Object();
    private volatile int waiters;
    private volatile boolean closed;

    public NotificationOrder(SerialExecutor serial) {
        this.serial = serial;
    }

    /** The executor the handlers run on, one at a time. */
    public SerialExecutor executor() {
        return serial;
    }

    /** Counts one received notification (reading thread only) and wraps its handler to count its delivery. */
    public Runnable counted(Runnable task) {
        posted++; // on the reading thread only
        return () -> {
            noteThread = Thread.currentThread();
            try {
                task.run();
            } finally {
                noteThread = null;
                delivered++; // one notification at a time (serial executor)
                if (waiters > 0) {
                    synchronized (delivery) {
                        delivery.notifyAll();
                    }
                }
            }
        };
    }

    /** Notifications received so far: pass to {@link #await} to wait for those before a later frame. */
    public long received() {
        return posted;
    }

    /**
     * Waits until the handlers of the first {@code received} notifications have returned. Returns
     * at once when they have, when the session has closed, or when called from a notification
     * handler itself (one that waits for a call's result would otherwise wait for ever; the SPEC
     * asks handlers not to, see {@link io.parley.NotificationHandler}).
     */
    public void await(long received) {
        if (delivered >= received || noteThread == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        synchronized (delivery) {
            waiters++;
            try {
                while (delivered < received && !closed) {
                    try {
                        delivery.wait(100); // woken by each delivery; the timeout only re-checks a close
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                waiters--;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The session ended: waiters return. */
    public void close() {
        closed = true;
        synchronized (delivery) {
            delivery.notifyAll();
        }
    }
}
