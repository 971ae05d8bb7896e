package io.parley.pool.internal;

import io.parley.DeadlineExceededException;
import io.parley.PeerGoneException;
import io.parley.SessionClosedException;
import io.parley.pool.ExecTtlExceededException;
import java.util.concurrent.CompletionException;
import io.parley.Session;
import io.parley.pool.PoolConfig;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerCrashedException;
import io.parley.pool.WorkerState;
import io.parley.transport.ChildProcessTransport;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lives of one named pool's workers: launch and handshake, graceful stop (GOODBYE, drain,
 * then SIGTERM/SIGKILL of what is left of the tree), the exec_ttl grace check and hard kill, and
 * the typed error for calls on a worker that died.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private final NamedPool pool;
    private final PoolRuntime rt;

    Supervisor(NamedPool pool, PoolRuntime rt) {
        this.pool = pool;
        this.rt = rt;
    }

    /** Launches one local worker and runs its handshake (on an executor thread). */
    void launchOne() {
        pool.inLaunch.incrementAndGet();
        try {
            launch();
        } finally {
            pool.inLaunch.decrementAndGet();
            synchronized (pool) {
                pool.notifyAll();
            }
        }
    }

    private void launch() {
        PoolConfig cfg = pool.cfg;
        if (pool.isClosed()) {
            pool.onStartFailed(null, new IOException("the pool is closed"));
            return;
        }
        int id = rt.nextWorkerId();
        LocalListener listener = rt.localListener(pool);
        CompletableFuture<Session> dialled = listener == null ? null : listener.expect(id);
        Launcher.Launched launched;
        try {
            launched = rt.launcher.launch(cfg, listener == null ? Map.of() : listener.environment(id));
        } catch (IOException | RuntimeException e) {
            if (dialled != null) {
                dialled.cancel(false);
            }
            pool.onStartFailed(null, e);
            return;
        }
        ChildProcessTransport child = launched.process;
        Worker w = new Worker(id, child, null, -1);
        // On the ring (or its socket) the end of the transport says nothing of the exit status.
        w.socket = launched.transport != child;
        if (dialled != null) {
            w.socket = true;
            discardStdout(w);
            w.process.onExit().thenRun(() -> dialled.completeExceptionally(new IOException(w.describe() + " exited before it "
                    + "dialled in to " + listener.address())));
        }
        if (!pool.added(w)) {
            ProcessTree.kill(w.process);
            child.kill();
            releaseRing(launched, child);
            if (dialled != null) {
                dialled.cancel(false);
            }
            pool.onStartFailed(w, new IOException("the pool is closed"));
            return;
        }
        Session s;
        try {
            s = dialled == null ? rt.launcher.open(launched.transport, cfg, null, false) : awaitDialIn(w, dialled, listener);
        } catch (IOException | RuntimeException e) {
            ProcessTree.kill(w.process);
            child.kill();
            releaseRing(launched, child);
            pool.onStartFailed(w, new IOException(w.describe() + " failed its handshake: " + e.getMessage(), e));
            return;
        }
        join(w, s);
    }

    /** Closes a ring (or its socket) that no session took over; the process is already killed. */
    private static void releaseRing(Launcher.Launched launched, ChildProcessTransport child) {
        if (launched.transport != child) {
            try {
                launched.transport.close();
            } catch (IOException | RuntimeException ignored) {
                // nothing left to release
            }
        }
    }

    /** Waits (bounded by start_timeout) for a socket worker to dial in and finish its handshake. */
    private Session awaitDialIn(Worker w, CompletableFuture<Session> dialled, LocalListener listener) throws IOException {
        try {
            return dialled.get(pool.cfg.startTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            dialled.cancel(false);
            throw new IOException(w.describe() + " did not dial in to " + listener.address() + " within start_timeout ("
                    + pool.cfg.startTimeout() + "). Its script must call Ipc::worker(), which dials the address in "
                    + LocalListener.ENV_ADDRESS + " when it is set");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dialled.cancel(false);
            throw new IOException("interrupted while waiting for " + w.describe() + " to dial in", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException ? (IOException) cause : new IOException(String.valueOf(cause.getMessage()), cause);
        }
    }

    /**
     * A socket worker's stdout carries no frames: it is read and dropped so the worker never blocks
     * on a full pipe; the pipes are closed once it exits.
     */
    private void discardStdout(Worker w) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                while (w.child.read(buf, 0, buf.length) >= 0) {
                    // dropped
                }
            } catch (IOException ignored) {
                // the pipe closed
            }
        }, "parley-pool-" + pool.name() + "-stdout-" + w.id);
        t.setDaemon(true);
        t.start();
        w.process.onExit().thenRunAsync(() -> {
            try {
                w.child.close();
            } catch (IOException | RuntimeException ignored) {
                // nothing left to release
            }
        }, rt.executor);
    }

    /** A worker whose handshake is done (local or remote) enters the pool. */
    void join(Worker w, Session s) {
        w.session = s;
        s.closeFuture().whenComplete((reason, error) -> pool.onGone(w, reason != null ? reason : error));
        if (w.process != null) {
            // a grandchild may hold the pipes open after the worker died: do not wait for an EOF
            w.process.onExit().thenRun(() -> rt.scheduler.schedule(() -> {
                if (s.isOpen()) {
                    s.abort();
                }
            }, 300, TimeUnit.MILLISECONDS));
        }
        if (pool.onReady(w)) {
            rt.listener.workerStarted(w.stats(pool.name()));
        } else {
            rt.executor.execute(() -> stopGracefully(w));
        }
    }

    /** Starts a graceful stop once a worker takes no calls and runs none (lock held). */
    void maybeStop(Worker w) {
        if (w.accepting || w.active > 0 || w.stopRequested || w.gone || (w.hardRetire && !w.graceChecked)) {
            return;
        }
        w.stopRequested = true;
        w.state = WorkerState.STOPPING;
        rt.executor.execute(() -> stopGracefully(w));
    }

    /** GOODBYE and drain (bounded by stop_timeout), then SIGTERM/SIGKILL of whatever is left of its tree. */
    void stopGracefully(Worker w) {
        List<ProcessHandle> tree = w.process == null ? List.of() : ProcessTree.snapshot(w.process);
        Session s = w.session;
        java.util.concurrent.ScheduledFuture<?> deadline = null;
        if (w.process != null) {
            // the drain is bounded by stop_timeout: then SIGTERM and SIGKILL, whatever the session does
            deadline = rt.scheduler.schedule(() -> rt.executor.execute(() -> {
                if (w.process.isAlive()) {
                    ProcessTree.terminate(w.process, pool.cfg.termTimeout());
                }
            }), pool.cfg.stopTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        }
        try {
            if (s != null) {
                s.close();
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: close failed: {}", w.describe(), e.toString());
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (w.process != null) {
            reap(w, tree);
        }
    }

    /** exec_grace after an exec_ttl: a worker still running the call is killed, else it stops gracefully. */
    void execGraceCheck(Worker w) {
        synchronized (pool) {
            w.graceChecked = true;
            if (w.gone) {
                return;
            }
            Session s = w.session;
            boolean stuck = s.isOpen() && s.outstanding() > w.active;
            if (!stuck) {
                maybeStop(w);
                return;
            }
            w.stopRequested = true;
            w.state = WorkerState.STOPPING;
        }
        LOG.warn("pool '{}': {} did not answer within exec_grace {} after exec_ttl; terminating its process tree", pool.name(),
                w.describe(), pool.cfg.execGrace());
        rt.executor.execute(() -> kill(w));
    }

    /** SIGTERM, then SIGKILL of the worker's whole tree (a remote worker: its connection is cut). */
    void kill(Worker w) {
        if (w.process == null) {
            Session s = w.session;
            if (s != null) {
                s.abort();
            }
            return;
        }
        List<ProcessHandle> tree = ProcessTree.snapshot(w.process);
        boolean killed = ProcessTree.terminate(w.process, pool.cfg.termTimeout());
        LOG.info("pool '{}': {} {}", pool.name(), w.describe(), killed ? "ignored SIGTERM; its tree was killed (SIGKILL)"
                : "exited on SIGTERM");
        reap(w, tree);
    }

    /** Kills what is left of a stopped worker's tree: the worker itself and children it left behind. */
    private void reap(Worker w, List<ProcessHandle> tree) {
        if (w.process.isAlive()) {
            ProcessTree.terminate(w.process, pool.cfg.termTimeout());
        }
        for (ProcessHandle p : tree) {
            if (p.isAlive()) {
                ProcessTree.terminate(p, pool.cfg.termTimeout());
            }
        }
        Session s = w.session;
        if (s != null && s.isOpen()) {
            s.abort();
        }
    }

    /** The error a pool caller sees for a failed session call on {@code w}. */
    Throwable failure(Worker w, PoolCall c, Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof DeadlineExceededException && c.execLimited) {
            return new ExecTtlExceededException(c.method + " ran longer than exec_ttl (" + io.parley.internal.Durations.text(pool.cfg.execTtl()) + ") on " + w.describe()
                    + " of pool '" + pool.name() + "'. The worker is stopped (SIGTERM, then SIGKILL of its process tree if it does not "
                    + "answer within exec_grace " + io.parley.internal.Durations.text(pool.cfg.execGrace()) + ") and replaced. Raise exec_ttl, or route " + c.method
                    + " to a pool with a longer one", pool.cfg.execTtl(), w.pid());
        }
        if (e instanceof SessionClosedException && !(e instanceof WorkerCrashedException) && (e instanceof PeerGoneException
                || w.gone || !w.session.isOpen())) {
            return crashed(w, c.method, e);
        }
        return e;
    }

    /** The error of a call whose worker died. */
    WorkerCrashedException crashed(Worker w, String method, Throwable e) {
        Integer exit = null;
        List<String> tail = w.stderrTail();
        if (e instanceof PeerGoneException) {
            PeerGoneException pg = (PeerGoneException) e;
            exit = pg.exitCode().isPresent() ? pg.exitCode().getAsInt() : null;
            if (!pg.stderrTail().isEmpty()) {
                tail = pg.stderrTail();
            }
        }
        if (exit == null && w.socket) {
            // a socket only says the connection ended: the exit status is the process's
            PeerGoneException pg = w.child.peerGone(method);
            exit = pg.exitCode().isPresent() ? pg.exitCode().getAsInt() : null;
            tail = pg.stderrTail();
        }
        Integer signal = ProcessTree.signalOf(exit);
        StringBuilder msg = new StringBuilder(w.describe()).append(" of pool '").append(pool.name()).append("' died during ")
                .append(method).append(": ");
        if (exit == null) {
            msg.append(e.getMessage());
        } else if (signal != null) {
            msg.append("killed by signal ").append(signal);
        } else {
            msg.append("exit status ").append(exit);
        }
        if (w.stopRequested && w.retiring == RestartReason.EXEC_TTL) {
            msg.append(" (the pool killed it: another call on it passed exec_ttl)");
        }
        if (w.isLocal()) {
            msg.append(". The call was not retried; the worker is replaced");
        } else {
            msg.append(". The call was not retried. The pool does not restart remote workers: whoever started this one "
                    + "(a container orchestrator, systemd, a supervisor on its host) must start a new one, which joins "
                    + "when it connects");
        }
        if (!tail.isEmpty()) {
            msg.append(". Last stderr lines:");
            for (String line : tail.subList(Math.max(0, tail.size() - 10), tail.size())) {
                msg.append("\n  ").append(line);
            }
        }
        return new WorkerCrashedException(msg.toString(), w.pid(), exit, signal, tail);
    }
}
