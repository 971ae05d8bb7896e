package io.parley.internal.io;

/**
 * What {@link ReadRole} waits on for a blocking caller: a call of this side whose terminal frame
 * has not arrived (implemented by the outbound call). Keeps the read role free of the call layer.
 */
public interface Awaited {
    /** Whether the caller can stop waiting: answered, or ended locally. */
    boolean finished();

    /** Whether the caller gave the call up (cancel, deadline, interrupt). */
    boolean gaveUp();

    /** The absolute System.nanoTime() deadline, 0 for none. */
    long deadlineNanos();

    /** The thread parked on this call, if any: woken when it completes. */
    Thread waiter();

    void waiter(Thread t);
}
