package io.parley;

/**
 * Receives the PROGRESS values of one call (SPEC §6.3), in order, always before the call
 * completes, on a thread that is not the session's reader.
 */
@FunctionalInterface
public interface ProgressListener {
    /** @param progress the value the handler sent; {@code progress.as(Map.class)} for JSON shapes */
    void onProgress(Payload progress);
}
