<?php

declare(strict_types=1);

namespace Parley\Transport;

/**
 * How a listener treats connections before their handshake (SPEC §8.2, §9), the twin of the Java
 * SDK's `io.parley.transport.ListenOptions`: how many may wait for their peer's first bytes at
 * once, how long each may wait, and (TLS only) whether the client must present a certificate. A
 * waiting connection costs one descriptor, a readable watcher and the bytes it has sent; it gets
 * its session only once its first frame (or TLS handshake) has arrived.
 *
 * `Ipc::listen($address, $onSession, listen: new ListenOptions(maxPendingHandshakes: 512))`
 */
final class ListenOptions
{
    /** The default cap on connections waiting for their first bytes. */
    public const DEFAULT_MAX_PENDING_HANDSHAKES = 128;

    /**
     * @param int $maxPendingHandshakes connections that may wait for their first bytes (or TLS
     *        handshake) at once; when one more arrives, the one that has waited longest is closed, so
     *        idle connections cannot lock out a client that speaks at once
     * @param float|null $handshakeTimeout seconds a connection may wait for its first bytes before it
     *        is closed; null = the session options' handshakeTimeout (default 10 s, as in Java)
     * @param bool $requireClientCertificate tls:// listeners only: the client must present a
     *        certificate signed by a CA in the `cafile` (or `capath`) ssl option (mutual TLS)
     */
    public function __construct(
        public readonly int $maxPendingHandshakes = self::DEFAULT_MAX_PENDING_HANDSHAKES,
        public readonly ?float $handshakeTimeout = null,
        public readonly bool $requireClientCertificate = false,
    ) {
        if ($maxPendingHandshakes < 1) {
            throw new \InvalidArgumentException("maxPendingHandshakes must be at least 1, not $maxPendingHandshakes");
        }
        if ($handshakeTimeout !== null && $handshakeTimeout <= 0) {
            throw new \InvalidArgumentException(
                "handshakeTimeout must be a positive number of seconds, not $handshakeTimeout",
            );
        }
    }

    /** 128 pending handshakes, the session's handshake timeout, no client certificate required. */
    public static function defaults(): self
    {
        return new self();
    }

    /** A copy with another cap on connections waiting for their first bytes. */
    public function withMaxPendingHandshakes(int $max): self
    {
        return new self($max, $this->handshakeTimeout, $this->requireClientCertificate);
    }

    /** A copy with another bound (seconds) on the wait for a connection's first bytes. */
    public function withHandshakeTimeout(float $seconds): self
    {
        return new self($this->maxPendingHandshakes, $seconds, $this->requireClientCertificate);
    }

    /** A copy that requires (or not) a trusted client certificate on tls:// listeners (mutual TLS). */
    public function withClientCertificateRequired(bool $required): self
    {
        return new self($this->maxPendingHandshakes, $this->handshakeTimeout, $required);
    }
}
