package io.parley.pool;

/** Why a worker was replaced; {@link PoolStats#restarts()} counts each. */
public enum RestartReason {
    /** Soft: it served {@code max_jobs} calls. */
    MAX_JOBS,
    /** Soft: it lived {@code ttl}. */
    TTL,
    /** Soft: it was idle for {@code idle_ttl}. */
    IDLE_TTL,
    /** Soft: its RSS passed {@code max_memory}. */
    MEMORY,
    /** Hard: a call passed {@code exec_ttl}. */
    EXEC_TTL,
    /** It died (crash, OOM killer, a signal, or it exited by itself). */
    CRASH,
    /** Rolling restart: a watched file changed, or {@link WorkerPool#reload()}. */
    RELOAD
}
