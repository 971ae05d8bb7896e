package io.parley.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs tasks one at a time, in submission order, on a base executor (an actor's mailbox). */
public final class SerialExecutor implements Executor {
    private final Executor base;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final java.util.function.Consumer<Throwable> onError;

    public SerialExecutor(Executor base, java.util.function.Consumer<Throwable> onError) {
        this.base = base;
        this.onError = onError;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        if (running.compareAndSet(false, true)) {
            base.execute(this::drain);
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
