package io.parley.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How a listener treats connections before their handshake (SPEC §8.2, §9): how many may wait for
 * the peer's first frame at once, how long each may wait, and (TLS only) whether the client must
 * present a certificate. A waiting connection costs one file descriptor and the bytes it has sent
 * (at most a few KiB), and no thread: {@link TransportServer#accept()} returns a connection only once
 * its first frame (the peer's HELLO, or the TLS ClientHello) has arrived.
 *
 * @param maxPendingHandshakes connections that may wait for their first frame at once; when one
 *     more arrives, the one that has waited longest is closed (so idle connections cannot lock out a
 *     client that speaks at once). Default {@value #DEFAULT_MAX_PENDING_HANDSHAKES}.
 * @param handshakeTimeout a connection that has not sent its first frame by then is closed
 *     (SPEC §8.2's handshake bound, default 10 s)
 * @param requireClientCertificate TLS listeners only: the client must authenticate with a
 *     certificate the listener's {@link javax.net.ssl.SSLContext} trusts (mutual TLS)
 */
public record ListenOptions(int maxPendingHandshakes, Duration handshakeTimeout, boolean requireClientCertificate) {
    /** The default cap on connections waiting for their first frame. */
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 128;

    /** The default bound on a connection's wait for its first frame (SPEC §8.2). */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Checks the values. */
    public ListenOptions {
        if (maxPendingHandshakes < 1) {
            throw new IllegalArgumentException("maxPendingHandshakes must be at least 1, not " + maxPendingHandshakes);
        }
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, not " + handshakeTimeout);
        }
    }

    /** 128 pending handshakes, 10 s each, no client certificate required. */
    public static ListenOptions defaults() {
        return new ListenOptions(DEFAULT_MAX_PENDING_HANDSHAKES, DEFAULT_HANDSHAKE_TIMEOUT, false);
    }

    /** A copy with another cap on connections waiting for their first frame. */
    public ListenOptions withMaxPendingHandshakes(int max) {
        return new ListenOptions(max, handshakeTimeout, requireClientCertificate);
    }

    /** A copy with another bound on the wait for a connection's first frame. */
    public ListenOptions withHandshakeTimeout(Duration timeout) {
        return new ListenOptions(maxPendingHandshakes, timeout, requireClientCertificate);
    }

    /** A copy that requires (or not) a trusted client certificate on TLS listeners (mutual TLS). */
    public ListenOptions withClientCertificateRequired(boolean required) {
        return new ListenOptions(maxPendingHandshakes, handshakeTimeout, required);
    }
}
