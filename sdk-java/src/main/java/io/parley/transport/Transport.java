package io.parley.transport;

import io.parley.PeerGoneException;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * An ordered, reliable byte stream to the peer (SPEC §9): the seam between a {@link
 * io.parley.Session} and the medium. Frames, correlation and semantics are the session's; a
 * transport only moves bytes, so a new medium (the shared-memory ring of §9.4) is one more
 * implementation of these few methods.
 *
 * <p>Threading: one thread reads at a time (which thread depends on the {@link #capabilities()});
 * writes and flushes are serialised by the session (never concurrent with each other), but run
 * concurrently with the reader. Implement the four abstract I/O methods, {@link #role()} and
 * {@link #description()}; override {@link #capabilities()} only for what the medium really allows.
 */
public interface Transport extends Closeable {
    /** Who speaks first in the handshake (SPEC §1). */
    enum Role { INITIATOR, ACCEPTOR }

    Role role();

    /** Blocks until at least one byte is read; returns -1 at end of stream. */
    int read(byte[] buffer, int offset, int length) throws IOException;

    /**
     * Reads at least one byte, waiting at most {@code timeoutNanos} ({@code <= 0}: no bound) when
     * {@linkplain Capabilities#timedReads() timed reads} are offered. Returns the count, {@code 0}
     * when the wait ran out or the thread was interrupted (its interrupt status is kept), {@code -1}
     * at end of stream. The default ignores the bound and calls {@link #read(byte[], int, int)}.
     */
    default int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        return read(buffer, offset, length);
    }

    /**
     * How many bytes a read would return now without blocking, or {@code -1} (the default) when this
     * medium cannot tell. A medium without {@linkplain Capabilities#timedReads() timed reads} that
     * can tell (a pipe: {@code FIONREAD}) lets a blocking call with a deadline read its own answer:
     * it polls briefly and reads only once bytes are there, so it never blocks past its deadline,
     * and leaves a slow answer to a session thread.
     */
    default int readable() throws IOException {
        return -1;
    }

    /** Writes all {@code length} bytes, blocking while the medium is full. */
    void write(byte[] buffer, int offset, int length) throws IOException;

    /**
     * Writes {@code a} then {@code b}, as one gathering write where the medium has one (a frame
     * header and a large body without copying them together). The default makes two writes.
     */
    default void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        write(a, aOffset, aLength);
        write(b, bOffset, bLength);
    }

    /**
     * What the session may do with this medium beyond plain reads on its own threads; read once
     * when the session opens. Default {@link Capabilities#BASIC}.
     */
    default Capabilities capabilities() {
        return Capabilities.BASIC;
    }

    /** Pushes buffered bytes to the medium; called at the end of every batch of frames. */
    void flush() throws IOException;

    /** Half-close: this side sends nothing more (after the GOODBYE exchange, SPEC §8.5). */
    void shutdownOutput() throws IOException;

    /** Releases the medium and unblocks a pending read. Idempotent. */
    @Override
    void close() throws IOException;

    /** For logs and error messages: "unix:/run/app.sock", "child pid 1234 (php worker.php)". */
    String description();

    /**
     * The failure to report when the stream ended or broke unexpectedly (SPEC §8.6). A child
     * process transport waits briefly for the exit and adds its status and stderr tail.
     */
    default PeerGoneException peerGone(String what) {
        return new PeerGoneException(what + " (" + description() + ")", null, List.of());
    }

    /** The heartbeat interval this medium wants by default (SPEC §8.4): 0 for stdio. */
    default int defaultHeartbeatMs() {
        return 15_000;
    }

    /**
     * Whether the peer is on another host (TCP or TLS to a non-loopback address). The session
     * compresses bodies automatically only then (SPEC §10.2): on pipes, Unix sockets, shared memory
     * and loopback, compressing costs more CPU than the copy it saves. Default false.
     */
    default boolean reachesOtherHost() {
        return false;
    }

    /** An acceptor-side token the peer's HELLO must carry, or {@code null} (SPEC §9.3). */
    default String requiredToken() {
        return null;
    }
}
