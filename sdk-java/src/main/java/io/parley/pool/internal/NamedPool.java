package io.parley.pool.internal;

import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.DeadlineExceededException;
import io.parley.pool.ExecTtlExceededException;
import io.parley.pool.PoolClosedException;
import io.parley.pool.PoolConfig;
import io.parley.pool.PoolOverloadedException;
import io.parley.pool.PoolStats;
import io.parley.pool.PoolUnhealthyException;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerCrashedException;
import io.parley.pool.WorkerState;
import io.parley.pool.WorkerStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named pool: its workers, the bounded FIFO queue, routing to the least-loaded worker, and
 * the supervision of its workers' lives (recycling, exec_ttl, crashes, the crash-loop breaker).
 * Every mutable field is guarded by {@code this}; sessions are called and processes signalled
 * outside the lock.
 */
public final class NamedPool {
    private static final Logger LOG = LoggerFactory.getLogger(NamedPool.class);

    final PoolConfig cfg;
    final Metrics metrics = new Metrics();
    private final List<Glob> routes;
    private final PoolRuntime rt;
    private final List<Worker> workers = new ArrayList<>();
    private final ArrayDeque<PoolCall> queue = new ArrayDeque<>();
    private final Supervisor life;
    private int launching;
    /** Launches running now (not merely scheduled). */
    final java.util.concurrent.atomic.AtomicInteger inLaunch = new java.util.concurrent.atomic.AtomicInteger();
    private boolean closed;
    private PoolUnhealthyException unhealthy;
    private final CrashBreaker breaker;

    NamedPool(PoolConfig cfg, PoolRuntime rt) {
        this.cfg = cfg;
        this.rt = rt;
        this.routes = cfg.routes().stream().map(Glob::new).collect(Collectors.toList());
        this.life = new Supervisor(this, rt);
        this.breaker = new CrashBreaker(cfg);
    }

    public String name() {
        return cfg.name();
    }

    boolean routes(String method) {
        for (Glob g : routes) {
            if (g.matches(method)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ calls

    void submit(PoolCall c) {
        watch(c);
        Worker w;
        try {
            w = admit(c);
        } catch (RuntimeException refusal) {
            c.future.completeExceptionally(refusal);
            return;
        }
        if (w != null) {
            send(c);
        }
    }

    /** Gives the call a free worker (returned), or queues it (null), or throws why it is refused. */
    private synchronized Worker admit(PoolCall c) {
        RuntimeException refusal = refusal();
        if (refusal == null) {
            Worker w = pick();
            if (w != null) {
                assign(w, c);
                return w;
            }
            if (queue.size() < cfg.queueSize()) {
                enqueue(c);
                return null;
            }
            refusal = overloaded();
        }
        throw refusal;
    }

    /** Counts the call when its future completes, and passes a caller's cancel on. */
    private void watch(PoolCall c) {
        c.future.whenComplete((v, e) -> {
            metrics.recordCall(e, System.nanoTime() - c.acceptedNanos);
            if (e instanceof CancellationException) {
                onCallerCancelled(c);
            }
        });
    }

    /**
     * A blocking call: with a free worker, a blocking session call on the caller's thread (it reads
     * its own answer: no hand-off); otherwise queued like an async call. Returns or throws.
     */
    Object callSync(PoolCall c) throws InterruptedException, java.util.concurrent.ExecutionException {
        Worker w;
        try {
            w = admit(c);
        } catch (RuntimeException refusal) {
            metrics.recordCall(refusal, 0);
            throw refusal;
        }
        if (w == null) {
            watch(c); // runs at once if the call already failed in the queue
            return c.future.get();
        }
        Object result = null;
        Throwable error = null;
        try {
            CallOptions opts = c.wireOptions(cfg);
            @SuppressWarnings("unchecked")
            io.parley.TypeRef<Object> type = (io.parley.TypeRef<Object>) c.type;
            result = w.session.call(c.method, c.params, type, opts);
        } catch (RuntimeException e) {
            error = e;
        }
        Throwable failure = onCallDone(c, result, error);
        metrics.recordCall(failure, System.nanoTime() - c.acceptedNanos);
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure != null) {
            throw new java.util.concurrent.ExecutionException(failure);
        }
        return result;
    }

    /** Why no call is taken now (closed, unhealthy), or null (lock held). */
    private RuntimeException refusal() {
        if (closed) {
            return new PoolClosedException("pool '" + name() + "' is shutting down and takes no new calls");
        }
        return unhealthy;
    }

    private PoolOverloadedException overloaded() {
        return new PoolOverloadedException(name(), PoolOverloadedException.Reason.QUEUE_FULL, "pool '" + name()
                + "' is overloaded: all " + countServing() + " workers are busy and queue_size (" + cfg.queueSize()
                + ") calls already wait for one. Raise queue_size or workers, or slow the callers down");
    }

    private void enqueue(PoolCall c) {
        queue.addLast(c);
        long delay = cfg.allocateTimeout().toNanos();
        long deadline = c.deadlineNanos();
        boolean userFirst = deadline != 0 && deadline - System.nanoTime() < delay;
        if (userFirst) {
            delay = Math.max(0, deadline - System.nanoTime());
        }
        c.allocateTimer = rt.scheduler.schedule(() -> allocateExpired(c, userFirst), delay, TimeUnit.NANOSECONDS);
    }

    private void allocateExpired(PoolCall c, boolean userDeadline) {
        synchronized (this) {
            if (!queue.remove(c)) {
                return;
            }
        }
        if (userDeadline) {
            c.future.completeExceptionally(new DeadlineExceededException("the deadline of " + c.method
                    + " passed while it waited for a worker of pool '" + name() + "'"));
        } else {
            c.future.completeExceptionally(new PoolOverloadedException(name(), PoolOverloadedException.Reason.ALLOCATE_TIMEOUT,
                    "no worker of pool '" + name() + "' became free within allocate_timeout (" + io.parley.internal.Durations.text(cfg.allocateTimeout())
                            + ") for " + c.method + ". Raise allocate_timeout or workers, or slow the callers down"));
        }
    }

    private void onCallerCancelled(PoolCall c) {
        synchronized (this) {
            if (queue.remove(c)) {
                cancelTimer(c);
                return;
            }
        }
        CallFuture<Object> sent = c.sent;
        if (sent != null) {
            sent.cancel(true);
        }
    }

    private static void cancelTimer(PoolCall c) {
        if (c.allocateTimer != null) {
            c.allocateTimer.cancel(false);
        }
    }

    /** The least-loaded worker that takes calls, least recently used first; null when all are full. */
    private Worker pick() {
        Worker best = null;
        for (Worker w : workers) {
            if (!w.accepting || w.dying || w.active >= cfg.maxConcurrent()) {
                continue;
            }
            if (best == null || w.active < best.active || (w.active == best.active && w.lastUsedNanos < best.lastUsedNanos)) {
                best = w;
            }
        }
        return best;
    }

    private void assign(Worker w, PoolCall c) {
        cancelTimer(c);
        w.active++;
        w.everDispatched = true;
        w.lastUsedNanos = System.nanoTime();
        w.state = WorkerState.BUSY;
        c.worker = w;
    }

    /** Sends an assigned call to its worker. Never called with the lock held. */
    private void send(PoolCall c) {
        Worker w = c.worker;
        if (c.future.isDone()) {
            onCallDone(c, null, new CancellationException("cancelled before it was sent"));
            return;
        }
        CallOptions opts;
        CallFuture<Object> f;
        try {
            opts = c.wireOptions(cfg);
            @SuppressWarnings("unchecked")
            io.parley.TypeRef<Object> type = (io.parley.TypeRef<Object>) c.type;
            f = w.session.callAsync(c.method, c.params, type, opts);
        } catch (RuntimeException e) {
            onCallDone(c, null, e);
            return;
        }
        c.sent = f;
        f.whenComplete((v, e) -> onCallDone(c, v, e));
        if (c.future.isCancelled()) {
            f.cancel(true);
        }
    }

    /** A session call ended (or was never sent): free the slot, feed the worker, complete; returns the failure. */
    private Throwable onCallDone(PoolCall c, Object result, Throwable error) {
        Worker w = c.worker;
        Throwable failure = error == null ? null : life.failure(w, c, error);
        List<PoolCall> next = null;
        synchronized (this) {
            w.active--;
            w.jobs++;
            w.lastUsedNanos = System.nanoTime();
            if (error == null) {
                breaker.success();
            }
            if (failure instanceof ExecTtlExceededException && !w.hardRetire && !w.gone) {
                w.hardRetire = true;
                retire(w, RestartReason.EXEC_TTL, true);
                rt.scheduler.schedule(() -> life.execGraceCheck(w), cfg.execGrace().toNanos(), TimeUnit.NANOSECONDS);
            } else if (failure instanceof WorkerCrashedException) {
                // it is dead or dying: give it nothing more while its session winds down
                w.dying = true;
            } else if (cfg.maxJobs() > 0 && w.jobs >= cfg.maxJobs() && w.retiring == null && !w.gone) {
                retire(w, RestartReason.MAX_JOBS, true);
            }
            if (w.active == 0 && w.accepting) {
                w.state = WorkerState.IDLE;
            }
            next = fill(w);
            life.maybeStop(w);
            notifyAll();
        }
        if (next != null) {
            for (PoolCall n : next) {
                send(n);
            }
        }
        if (failure != null) {
            c.future.completeExceptionally(failure);
        } else {
            c.future.complete(result);
        }
        return failure;
    }

    /** Gives queued calls to {@code w} while it has room (lock held); null when none. */
    private List<PoolCall> fill(Worker w) {
        List<PoolCall> out = null;
        while (w.accepting && !w.dying && w.active < cfg.maxConcurrent() && !queue.isEmpty()) {
            PoolCall c = queue.pollFirst();
            assign(w, c);
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(c);
        }
        return out;
    }

    /** Gives queued calls to any worker with room (lock held). */
    void fillAll(List<PoolCall> out) {
        Worker w;
        while (!queue.isEmpty() && (w = pick()) != null) {
            PoolCall c = queue.pollFirst();
            assign(w, c);
            out.add(c);
        }
    }

    void sendAll(List<PoolCall> calls) {
        for (PoolCall c : calls) {
            send(c);
        }
    }

    // ------------------------------------------------------------------ worker lives

    /**
     * Marks {@code w} for replacement and starts its replacement. With {@code now} it takes no new
     * call from now on; otherwise it keeps serving until the replacement is ready (capacity never
     * drops). Lock held.
     */
    void retire(Worker w, RestartReason reason, boolean now) {
        if (w.retiring == null) {
            w.retiring = reason;
            if (w.isLocal()) {
                metrics.recordRestart(reason);
            }
        }
        if (now) {
            stopAccepting(w);
        }
        ensureCapacity(0);
    }

    void stopAccepting(Worker w) {
        w.accepting = false;
        if (!w.stopRequested && !w.gone) {
            w.state = WorkerState.DRAINING;
        }
    }

    /** Launches workers until the pool has its target of serving ones (lock held). */
    void ensureCapacity(long delayNanos) {
        if (closed || unhealthy != null) {
            return;
        }
        int have = launching + countServing();
        for (int i = have; i < cfg.workers(); i++) {
            launching++;
            rt.scheduler.schedule(() -> rt.executor.execute(life::launchOne), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Local workers that are up and not retiring. */
    private int countServing() {
        int n = 0;
        for (Worker w : workers) {
            if (w.isLocal() && !w.gone && w.retiring == null && !w.stopRequested && w.state != WorkerState.STARTING) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ callbacks of Supervisor (lock taken here)

    /** A launched worker, before its handshake; false when the pool closed meanwhile. */
    synchronized boolean added(Worker w) {
        if (closed) {
            return false;
        }
        workers.add(w);
        return true;
    }

    /** A worker finished its handshake. Returns false when the pool no longer wants it. */
    boolean onReady(Worker w) {
        List<PoolCall> next = new ArrayList<>();
        synchronized (this) {
            if (w.isLocal()) {
                launching--;
            }
            if (w.gone) {
                return false;
            }
            if (closed) {
                w.stopRequested = true;
                w.state = WorkerState.STOPPING;
                return false;
            }
            if (!workers.contains(w)) {
                workers.add(w);
            }
            w.accepting = true;
            w.state = WorkerState.IDLE;
            if (w.isLocal()) {
                for (Worker old : workers) {
                    if (old != w && old.retiring != null && old.accepting) {
                        stopAccepting(old);
                        life.maybeStop(old);
                        break;
                    }
                }
            }
            fillAll(next);
            notifyAll();
        }
        sendAll(next);
        return true;
    }

    /** A launch or handshake failed. */
    void onStartFailed(Worker w, Exception e) {
        synchronized (this) {
            launching--;
            if (w != null) {
                w.gone = true;
                workers.remove(w);
            }
            if (closed) {
                notifyAll();
                return;
            }
            metrics.recordRestart(RestartReason.CRASH);
            LOG.warn("pool '{}': a worker failed to start: {}", name(), e.getMessage());
            startDeath(w == null ? List.of(String.valueOf(e.getMessage())) : w.stderrTail(), String.valueOf(e.getMessage()));
            ensureCapacity(breaker.crashed());
            notifyAll();
        }
    }

    /** A worker's session ended. Planned stops were counted when they were decided. */
    void onGone(Worker w, Throwable reason) {
        String detail;
        RestartReason why;
        List<PoolCall> next = new ArrayList<>();
        synchronized (this) {
            if (w.gone) {
                return;
            }
            w.gone = true;
            w.accepting = false;
            workers.remove(w);
            boolean planned = w.stopRequested;
            why = w.retiring != null ? w.retiring : RestartReason.CRASH;
            detail = planned ? "stopped" : "died: " + (reason == null ? "the session ended" : reason.getMessage());
            if (!planned && w.isLocal() && !closed) {
                if (w.retiring == null) {
                    metrics.recordRestart(RestartReason.CRASH);
                }
                long delay = breaker.crashed();
                if (!w.everDispatched) {
                    startDeath(w.stderrTail(), detail);
                }
                ensureCapacity(delay);
            } else {
                ensureCapacity(0);
            }
            fillAll(next);
            notifyAll();
        }
        sendAll(next);
        rt.listener.workerStopped(w.stats(name()), why, detail);
        if (!w.isLocal() && !w.stopRequested) {
            String lost = w.describe() + " of pool '" + name() + "' left (" + detail + "); its calls failed and its slot is "
                    + "free. The pool does not restart remote workers: whoever started it must start a new one";
            LOG.warn("{}", lost);
            rt.listener.remoteWorkerLost(w.stats(name()), lost);
        }
    }

    /** Counts a death at start; opens the breaker when the crash-loop limit is reached (lock held). */
    private void startDeath(List<String> stderr, String what) {
        if (unhealthy != null) {
            return;
        }
        PoolUnhealthyException trip = breaker.startDeath(name(), stderr, what);
        if (trip == null) {
            return;
        }
        unhealthy = trip;
        LOG.error("{}", trip.getMessage());
        List<PoolCall> failed = new ArrayList<>(queue);
        queue.clear();
        rt.executor.execute(() -> {
            failed.forEach(c -> {
                cancelTimer(c);
                c.future.completeExceptionally(trip);
            });
            rt.listener.poolUnhealthy(name(), trip.getMessage());
        });
    }

    // ------------------------------------------------------------------ supervision

    // ------------------------------------------------------------------ state for others

    /** A reload closes an open crash-loop breaker (lock held). */
    void resetBreaker() {
        unhealthy = null;
        breaker.reset();
    }

    /** Whether the pool is closed (lock held, or racy read for a loop condition). */
    boolean closedNow() {
        return closed;
    }

    /** The breaker's reason, without taking the lock (for a loop that holds it). */
    PoolUnhealthyException unhealthyNow() {
        return unhealthy;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized PoolUnhealthyException unhealthy() {
        return unhealthy;
    }

    /** The live list of workers (lock held). */
    List<Worker> liveWorkers() {
        return workers;
    }

    synchronized List<Worker> workers() {
        return new ArrayList<>(workers);
    }

    synchronized int readyCount() {
        return (int) workers.stream().filter(w -> w.accepting).count();
    }

    synchronized PoolStats stats() {
        List<WorkerStats> ws = workers.stream().map(w -> w.stats(name())).collect(Collectors.toList());
        return new PoolStats(name(), unhealthy == null, unhealthy == null ? null : unhealthy.getMessage(), ws, queue.size(),
                metrics.calls(), metrics.restarts(), Metrics.latencyOf(metrics.latencyCopy()));
    }

    /** Waits until every worker is ready or the breaker opens; false on timeout. */
    synchronized boolean awaitReady(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        while (readyCount() < cfg.workers() && unhealthy == null) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return unhealthy == null;
    }

    /** Closes to new calls and waits (bounded) until the queue is empty and no call runs. */
    void drain(long nanos) throws InterruptedException {
        List<PoolCall> leftover;
        synchronized (this) {
            closed = true;
            long end = System.nanoTime() + nanos;
            while (!queue.isEmpty() || workers.stream().anyMatch(w -> w.active > 0)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            leftover = new ArrayList<>(queue);
            queue.clear();
            for (Worker w : workers) {
                w.accepting = false;
                w.stopRequested = true;
                w.state = WorkerState.STOPPING;
            }
        }
        for (PoolCall c : leftover) {
            cancelTimer(c);
            c.future.completeExceptionally(new PoolClosedException("pool '" + name() + "' shut down before a worker took "
                    + c.method + " (stop_timeout " + io.parley.internal.Durations.text(cfg.stopTimeout()) + ")"));
        }
    }

    Supervisor life() {
        return life;
    }
}
