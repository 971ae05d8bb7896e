package io.parley.internal.io;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in submission order (an actor's mailbox). {@link #execute} drains on
 * the base executor; a thread that is free anyway (the session's reader after a batch) can
 * {@link #post} tasks and then {@link #drainHere()} them itself, saving a thread hand-off.
 */
public final class SerialExecutor implements Executor {
    private final Executor base;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Consumer<Throwable> onError;

    public SerialExecutor(Executor base, Consumer<Throwable> onError) {
        this.base = base;
        this.onError = onError;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        kick();
    }

    /** Queues {@code task} without starting a drain: follow with {@link #drainHere()} or {@link #kick()}. */
    public void post(Runnable task) {
        queue.add(task);
    }

    /** Runs the queued tasks on this thread, unless another thread is already draining them. */
    public void drainHere() {
        if (!queue.isEmpty() && running.compareAndSet(false, true)) {
            drain();
        }
    }

    /** Starts a drain on the base executor when tasks wait and nobody drains them. */
    public void kick() {
        if (!queue.isEmpty() && running.compareAndSet(false, true)) {
            try {
                base.execute(this::drain);
            } catch (RejectedExecutionException e) {
                running.set(false); // the session is closing: the tasks are dropped
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable r;
            while ((r = queue.poll()) != null) {
                try {
                    r.run();
                } catch (Throwable t) {
                    onError.accept(t);
                }
            }
            running.set(false);
            // a task added between the last poll and the reset must not be stranded
            if (queue.isEmpty() || !running.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
