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

    /** Whether {@link #read(byte[], int, int, long)} bounds its wait and returns early on interrupt. */
    boolean timedReads();

    /**
     * Reads at least one byte, waiting at most {@code timeoutNanos} ({@code <= 0}: no bound) when
     * {@link #timedReads()}. Returns the count, {@code 0} when the wait ran out or the thread was
     * interrupted (its interrupt status is kept), {@code -1} at end of stream.
     */
    int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException;

    /** Writes {@code a} then {@code b}, as one gathering write where the medium has one. */
    void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException;
}
