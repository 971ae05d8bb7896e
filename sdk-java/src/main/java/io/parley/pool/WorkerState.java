package io.parley.pool;

/** Where a worker is in its life (like the states of {@code rr workers -i}). */
public enum WorkerState {
    /** Launched; handshake not finished yet. Takes no calls. */
    STARTING,
    /** Ready, no call running. */
    IDLE,
    /** Running at least one call. */
    BUSY,
    /** Retiring softly (a recycling limit or a reload): finishes its calls, takes no new ones. */
    DRAINING,
    /** Being stopped: GOODBYE sent, or TERM/KILL on the way. */
    STOPPING
}
