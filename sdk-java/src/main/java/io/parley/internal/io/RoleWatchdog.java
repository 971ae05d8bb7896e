package io.parley.internal.io;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The read role's watchdog on the session timer, armed only while there is something to watch:
 * it takes the role from a holder busy for a whole tick, hands a role free for a whole tick to a
 * worker, and turns an interrupt of a caller blocked in an uninterruptible read into a CANCEL.
 * Its fields are guarded by the {@link RoleState} lock, like the rest of the role.
 */
final class RoleWatchdog {
    /** Ticks with nothing to watch before the watchdog stops ticking. */
    private static final int QUIET_TICKS = 8;

    private final RoleState s;
    private final ScheduledExecutorService timer;
    private final long tickNanos;
    private final long maxTickNanos;
    private ScheduledFuture<?> watchdog;
    /** The current interval: {@link #tickNanos}, doubled while there is nothing to do, up to {@link #maxTickNanos}. */
    private long interval;
    private int calmTicks;
    private int quietTicks;

    RoleWatchdog(RoleState s, ScheduledExecutorService timer, long tickNanos) {
        this.s = s;
        this.timer = timer;
        this.tickNanos = Math.max(50_000, tickNanos);
        this.maxTickNanos = 4 * this.tickNanos;
        this.interval = this.tickNanos;
    }

    /** Arms the watchdog if it is not ticking (lock held). */
    void arm() {
        quietTicks = 0;
        if (watchdog != null || s.closed) {
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
        s.lock.lock();
        try {
            watchdog = null;
            if (s.closed) {
                return;
            }
            long now = System.nanoTime();
            boolean acted = false;
            boolean quiet = false;
            if (s.holder == null) {
                if (!s.reserved && now - s.freeSince >= tickNanos) {
                    s.reserveWorker(); // free for a whole tick: read what nobody waits for
                    acted = true;
                }
            } else if (s.busy) {
                if (now - s.busySince >= tickNanos) {
                    // busy for a whole tick: blocked or slow; reading goes on elsewhere
                    s.dispatchLater(s.relinquishLocked());
                    acted = true;
                }
            } else if (s.holderCall != null && !s.interruptibleReads) {
                // a caller blocked in a read an interrupt cannot end: keep an eye on it
                if (s.holder.isInterrupted() && !s.holderCall.gaveUp()) {
                    interrupted = s.holderCall;
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
            s.lock.unlock();
        }
        s.flushMoved();
        if (interrupted != null) {
            s.calls.interruptedWhileReading(interrupted);
        }
    }

    /** Stops the watchdog (lock held). */
    void stop() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }
}
