package io.parley.internal.io;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session's own platform threads: they read the transport when no caller does, and run the
 * handlers that cannot run on the thread that read their request. A thread is reused while it is
 * idle (an idle one is woken, a new one started only when none is idle) and ends after 30 s
 * without work, or at once when the session closes.
 *
 * <p>Platform, not virtual, threads: waking an idle virtual-thread carrier costs a cross-core
 * wake-up plus the carrier's scan for work on every hand-off, and a blocking read pins a carrier.
 */
public final class Workers implements Executor {
    private static final ThreadLocal<Workers> OWNER = new ThreadLocal<>();
    private final ThreadPoolExecutor pool;

    public Workers(String description) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> Threads.platform("parley-worker-" + n.incrementAndGet() + " " + description, () -> {
                    OWNER.set(this);
                    r.run();
                }));
    }

    /** Whether the calling thread is one of these workers. */
    public boolean isWorkerThread() {
        return OWNER.get() == this;
    }

    /** Waits up to {@code millis} for every worker to end (after {@link #shutdown()}). */
    public void awaitTermination(long millis) throws InterruptedException {
        pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Runs {@code task} unless the session has closed; returns whether it was accepted. */
    public boolean tryExecute(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** No new work; idle threads end now, busy ones after their current task. */
    public void shutdown() {
        pool.shutdown();
    }
}
