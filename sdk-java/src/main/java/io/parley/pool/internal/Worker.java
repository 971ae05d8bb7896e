package io.parley.pool.internal;

import io.parley.Session;
import io.parley.pool.RestartReason;
import io.parley.pool.WorkerState;
import io.parley.pool.WorkerStats;
import io.parley.transport.ChildProcessTransport;
import java.time.Duration;
import java.util.List;

/**
 * One worker of a named pool: a local child (its process handle and stderr) or a remote peer,
 * and its session. The mutable fields are guarded by the owning {@link NamedPool}'s lock.
 */
final class Worker {
    final int id;
    final long launchedNanos = System.nanoTime();
    final ChildProcessTransport child;
    final ProcessHandle process;
    final String remote;
    volatile Session session;

    WorkerState state = WorkerState.STARTING;
    int active;
    long jobs;
    long lastUsedNanos = System.nanoTime();
    /** Takes new calls (false once draining, stopping or dead). */
    boolean accepting;
    /** Why it is being replaced, or null. */
    RestartReason retiring;
    /** exec_ttl fired on one of its calls: its stop waits for the grace check. */
    boolean hardRetire;
    boolean graceChecked;
    /** The pool asked it to stop (a planned exit, not a crash). */
    boolean stopRequested;
    boolean gone;
    /** A call on it failed because it died: no more calls until its session ends. */
    boolean dying;
    /** Whether it ever got a call (a worker that dies before that died "at start"). */
    boolean everDispatched;
    volatile long rss = -1;
    /** A local worker that dialled in over a socket (its exit status is read from the process). */
    volatile boolean socket;

    Worker(int id, ChildProcessTransport child, String remote, long remotePid) {
        this.id = id;
        this.child = child;
        this.process = child == null ? null : child.processHandle();
        this.remote = remote;
        this.remotePid = remotePid;
    }

    private final long remotePid;

    long pid() {
        return process != null ? process.pid() : remotePid;
    }

    boolean isLocal() {
        return process != null;
    }

    List<String> stderrTail() {
        return child == null ? List.of() : child.stderrTail();
    }

    WorkerStats stats(String pool) {
        return new WorkerStats(id, pool, pid(), remote, state, jobs, active, rss, Duration.ofNanos(System.nanoTime() - launchedNanos));
    }

    String describe() {
        return (remote != null ? "remote worker " + remote : "worker") + " #" + id + " (pid " + pid() + ")";
    }
}
