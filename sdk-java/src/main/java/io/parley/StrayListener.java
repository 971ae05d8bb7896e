package io.parley;

/**
 * Receives reports of stray bytes (SPEC §3.6): bytes between frames that the decoder skipped, how
 * many, and the first up to 256 of them. Set with {@link Session.Builder#onStray(StrayListener)};
 * without one, stray bytes are logged.
 */
@FunctionalInterface
public interface StrayListener {
    /** {@code count} bytes were skipped; {@code firstBytes} holds the first of them (at most 256). */
    void onStray(long count, byte[] firstBytes);
}
