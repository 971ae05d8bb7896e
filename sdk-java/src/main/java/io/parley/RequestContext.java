package io.parley;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a request handler knows about its call: deadline, cancellation, progress, and the session
 * to call the other side back on. A handler may block, run long, or call the peer and wait for
 * the answer: when it runs on the thread that read its request, reading moves to another thread
 * (see {@link Session}).
 */
public interface RequestContext {
    /** The method called. */
    String method();

    /** The session the request arrived on: call or notify the peer through it. */
    Session session();

    /** The deadline the caller granted, measured from arrival (SPEC §6.4); empty when none. */
    Optional<Instant> deadline();

    /** Time left before the deadline, or {@code null} when there is none. */
    Duration remaining();

    /** Whether the caller cancelled the call or its deadline passed. */
    boolean isCancelled();

    /** Throws the matching {@link ParleyException} (CANCELLED or DEADLINE_EXCEEDED) when cancelled. */
    void checkCancelled();

    /**
     * Sleeps cooperatively: returns after {@code duration}, or throws as {@link #checkCancelled()}
     * as soon as the call is cancelled or its deadline passes.
     */
    void sleep(Duration duration);

    /** Runs {@code action} once when the call is cancelled (at once if it already is). */
    void onCancel(Runnable action);

    /** Whether the caller asked for progress (WANT_PROGRESS). */
    boolean wantsProgress();

    /**
     * Sends a PROGRESS value (ignored when the caller did not ask for progress, SPEC §6.3).
     * Recommended JSON shape: {@code Map.of("progress", i, "total", n)}.
     */
    void progress(Object value);
}
