package io.parley.pool;

import java.time.Duration;

/**
 * One worker in a {@link PoolStats} snapshot (like a line of {@code rr workers -i}).
 *
 * @param id       the pool's number for this worker (unique for the pool's life)
 * @param pool     the name of the (named) pool it belongs to
 * @param pid      the process id (for a remote worker: the pid it announced, or -1)
 * @param remote   the remote address for a worker that dialled in, {@code null} for a local child
 * @param state    where it is in its life
 * @param jobs     calls it has finished
 * @param inFlight calls running on it now
 * @param rssBytes resident memory from {@code /proc/<pid>/status} at the last watch tick (-1 unknown)
 * @param uptime   time since it was launched
 */
public record WorkerStats(int id, String pool, long pid, String remote, WorkerState state, long jobs, int inFlight,
        long rssBytes, Duration uptime) {
}
