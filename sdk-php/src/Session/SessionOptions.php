<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Parley\Frame\FrameDescriptor;
use Parley\Internal\Log;

use function array_key_exists;
use function get_debug_type;
use function sprintf;
use function strlen;

/**
 * Everything a session can be configured with; every default is the spec's (SPEC §3.2, §8).
 * Sizes are in bytes; every duration is in seconds (float).
 *
 * Use named arguments: `new SessionOptions(maxFrame: 65536, token: 's3cret')`.
 */
final class SessionOptions
{
    public const VERSION = '0.1.0';

    /**
     * @param float|null $heartbeat seconds between PINGs when the peer is quiet (SPEC §8.4); 0 = off;
     *        null = the transport's default (off on stdio, 15 s on sockets)
     * @param float|null $heartbeatTimeout seconds of silence after which the peer is gone
     *        (HEARTBEAT_TIMEOUT); null = twice the heartbeat
     * @param float $handshakeTimeout seconds to wait for the peer's HELLO (§8.2)
     * @param float $frameStallTimeout seconds a frame may wait for the rest of its bytes once its header
     *        arrived (SPEC §3.5, stalled frame); past it the session closes with PROTOCOL_ERROR and
     *        pending calls fail with that reason. Holds with heartbeats off too (stdio); 0 = off
     * @param float $drainTimeout seconds the GOODBYE drain may take before the session is closed (§8.5)
     * @param float|null $defaultTimeout seconds: the deadline of calls made without a timeout; null = none
     * @param list<string> $codecs codecs this peer decodes and lists in HELLO ("json" is always added)
     * @param list<string>|null $compression compressions to offer; null = deflate, plus zstd when available
     * @param list<class-string>|bool $allowedClasses classes the `php` codec may instantiate (default none)
     * @param (Closure(string, string): void)|\Psr\Log\LoggerInterface|null $logger receives (level, message);
     *        level is debug, info, warning or error. A closure, or any PSR-3 logger (Monolog, ...): the
     *        SDK calls its `log($level, $message)` and needs no psr/log package itself.
     *        Default: warnings and errors to STDERR
     * @param Closure(string): void|null $onStray receives every run of stray bytes skipped on the stream
     * @param Closure(string, string, ?string): void|null $onLog receives `$/log` notifications from the
     *        peer as (level, message, source); default: passed to the logger
     * @param Closure(\Parley\Transport\Transport): \Parley\Transport\Transport|null $transportDecorator
     *        wraps the transport before the session uses it (byte metering, tracing, test taps);
     *        {@see Session::transport()} returns the wrapper
     * @param string|null $defaultCodec the codec of calls and notifications sent without one (e.g. "php"
     *        for typed DTOs between PHP peers); answers use the codec of their request (SPEC §10.1)
     * @param bool|null $autoCompression whether bodies of at least $compressionThreshold bytes are
     *        compressed without being asked to (when a sample does not look random and the result is
     *        smaller); null = only when the transport reaches another host (TCP/TLS to a non-loopback
     *        address): on pipes, Unix sockets, shared memory and loopback it costs more than it saves.
     *        Compressed bodies from the peer are decoded either way.
     * @param bool $rawPieces whether a raw, uncompressed body that arrived chunked (larger than
     *        max_frame, SPEC §5) reaches handlers, notification listeners and call results as a
     *        {@see \Parley\Codec\Payload} of its frames' bodies ({@see \Parley\Codec\Payload::pieces()}),
     *        never joined into one string; default false: one string, as before
     */
    public function __construct(
        public readonly string $peerName = 'parley-php/' . self::VERSION,
        public readonly int $maxFrame = FrameDescriptor::DEFAULT_MAX_FRAME,
        public readonly int $maxMessage = FrameDescriptor::DEFAULT_MAX_MESSAGE,
        public readonly int $maxInFlight = FrameDescriptor::DEFAULT_MAX_IN_FLIGHT,
        public readonly ?float $heartbeat = null,
        public readonly ?float $heartbeatTimeout = null,
        public readonly ?string $token = null,
        public readonly array $codecs = ['json', 'raw', 'php'],
        public readonly ?array $compression = null,
        public readonly int $compressionThreshold = 4096,
        public readonly bool $jsonObjectsAsArrays = true,
        public readonly array|bool $allowedClasses = false,
        public readonly int $maxStray = FrameDescriptor::DEFAULT_MAX_STRAY,
        public readonly float $handshakeTimeout = 10.0,
        public readonly float $drainTimeout = 30.0,
        public readonly ?float $defaultTimeout = null,
        public readonly int $caps = 0x7,
        public readonly ?object $logger = null,
        public readonly ?Closure $onStray = null,
        public readonly ?Closure $onLog = null,
        public readonly ?Closure $transportDecorator = null,
        public readonly ?string $defaultCodec = null,
        public readonly float $frameStallTimeout = 30.0,
        public readonly ?bool $autoCompression = null,
        public readonly bool $rawPieces = false,
    ) {
        if ($defaultCodec !== null && $defaultCodec !== 'json' && !in_array($defaultCodec, $codecs, true)) {
            throw new \InvalidArgumentException(sprintf(
                'defaultCodec "%s" is not among the enabled codecs (%s)',
                $defaultCodec,
                implode(', ', $codecs),
            ));
        }
        if ($maxFrame < FrameDescriptor::MIN_MAX_FRAME || $maxFrame > FrameDescriptor::MAX_MAX_FRAME) {
            throw new \InvalidArgumentException(sprintf(
                'maxFrame must be between %d and %d bytes (SPEC §3.2), got %d',
                FrameDescriptor::MIN_MAX_FRAME,
                FrameDescriptor::MAX_MAX_FRAME,
                $maxFrame,
            ));
        }
        if ($maxMessage < $maxFrame) {
            throw new \InvalidArgumentException("maxMessage ($maxMessage) must be at least maxFrame ($maxFrame)");
        }
        if ($maxInFlight < 1) {
            throw new \InvalidArgumentException('maxInFlight must be at least 1');
        }
        if ($heartbeat !== null && $heartbeat < 0) {
            throw new \InvalidArgumentException('heartbeat must be 0 (off) or a positive number of seconds');
        }
        if ($heartbeatTimeout !== null && $heartbeatTimeout <= 0) {
            throw new \InvalidArgumentException('heartbeatTimeout must be a positive number of seconds');
        }
        if ($frameStallTimeout < 0) {
            throw new \InvalidArgumentException('frameStallTimeout must be 0 (off) or a positive number of seconds');
        }
        if ($maxStray < 0) {
            throw new \InvalidArgumentException('maxStray must not be negative');
        }
        if ($logger !== null && !$logger instanceof Closure && !Log::accepts($logger)) {
            throw new \InvalidArgumentException(sprintf(
                'logger must be a Closure(string $level, string $message) or a PSR-3 LoggerInterface, got %s',
                get_debug_type($logger),
            ));
        }
        if (strlen($peerName) > 256) {
            throw new \InvalidArgumentException('peerName is limited to 256 characters');
        }
    }

    /** A copy with some values changed: `$options->with(token: 'x')`. */
    public function with(mixed ...$changes): self
    {
        $values = get_object_vars($this);
        foreach ($changes as $name => $value) {
            if (!array_key_exists((string) $name, $values)) {
                throw new \InvalidArgumentException("unknown option: $name");
            }
            $values[$name] = $value;
        }
        return new self(...$values);
    }
}
