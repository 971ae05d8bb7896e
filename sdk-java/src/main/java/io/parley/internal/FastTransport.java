package io.parley.internal;

import java.io.IOException;

/**
 * What the session may do with the SDK's own transports beyond {@link io.parley.transport.Transport}:
 * let an application thread read (so a blocking call can read its own answer instead of being
 * woken by a reader thread), bound a read in time, and write a header and a body from two arrays
 * without copying them together. Transports written by applications do not implement it: they
 * are read by the session's own threads only.
 */
public interface FastTransport {
    /**
     * Whether any platform thread may block in a read: an interrupt of the reading thread must
     * not break the medium (a blocking {@code SocketChannel} read would close the channel).
     */
    boolean sharedReads();

    /** Whether {@link #read(byte[], int, int, long)} bounds its wait. */
    boolean timedReads();

    /** Whether an interrupt ends a read's wait early (else the read goes on until input or its bound). */
    boolean interruptibleReads();

    /**
     * Whether a virtual thread may write: false when an interrupt of a virtual thread would close
     * the medium (a {@code java.net.Socket}); the session then writes on its own threads.
     */
    boolean virtualThreadWrites();

    /**
     * Reads at least one byte, waiting at most {@code timeoutNanos} ({@code <= 0}: no bound) when
     * {@link #timedReads()}. Returns the count, {@code 0} when the wait ran out or the thread was
     * interrupted (its interrupt status is kept), {@code -1} at end of stream.
     */
    int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException;

    /** Writes {@code a} then {@code b}, as one gathering write where the medium has one. */
    void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException;
}
