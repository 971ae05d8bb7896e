package io.parley.pool.internal;

import io.parley.pool.RestartReason;
import io.parley.pool.WorkerState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Soft recycling of a named pool's local workers: the watch tick (ttl, idle_ttl, max_memory from
 * /proc RSS) and the rolling restart of a reload. Both only mark workers for replacement; the
 * replacement starts before the old worker stops taking calls, so capacity never drops.
 */
final class Recycling {
    private Recycling() {
    }

    /** The watch tick: ttl, idle_ttl and memory, all soft. */
    static void tick(NamedPool pool) {
        List<Worker> snapshot;
        synchronized (pool) {
            snapshot = new ArrayList<>(pool.liveWorkers());
        }
        for (Worker w : snapshot) {
            if (w.isLocal() && !w.gone) {
                w.rss = ProcessTree.rssBytes(w.pid());
            }
        }
        long now = System.nanoTime();
        synchronized (pool) {
            for (Worker w : pool.liveWorkers()) {
                if (!w.isLocal() || w.retiring != null || w.gone || w.state == WorkerState.STARTING) {
                    continue;
                }
                if (!pool.cfg.ttl().isZero() && now - w.launchedNanos >= pool.cfg.ttl().toNanos()) {
                    pool.retire(w, RestartReason.TTL, false);
                } else if (!pool.cfg.idleTtl().isZero() && w.active == 0 && now - w.lastUsedNanos >= pool.cfg.idleTtl().toNanos()) {
                    pool.retire(w, RestartReason.IDLE_TTL, false);
                } else if (pool.cfg.maxMemory() > 0 && w.rss > pool.cfg.maxMemory()) {
                    pool.retire(w, RestartReason.MEMORY, false);
                }
            }
        }
    }

    /** Rolling restart: one worker at a time, each replaced before the next is touched. */
    static CompletableFuture<Void> reload(NamedPool pool, java.util.concurrent.Executor executor) {
        List<Worker> snapshot;
        synchronized (pool) {
            pool.resetBreaker();
            snapshot = pool.liveWorkers().stream().filter(Worker::isLocal).collect(Collectors.toList());
            pool.ensureCapacity(0);
        }
        return CompletableFuture.runAsync(() -> {
            for (Worker w : snapshot) {
                synchronized (pool) {
                    if (pool.closedNow()) {
                        return;
                    }
                    if (w.gone || w.retiring != null) {
                        continue;
                    }
                    pool.retire(w, RestartReason.RELOAD, false);
                    long end = System.nanoTime() + pool.cfg.startTimeout().toNanos() * 2;
                    while (w.accepting && !w.gone && !pool.closedNow() && pool.unhealthyNow() == null) {
                        long left = end - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(pool, left);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }, executor);
    }

}
