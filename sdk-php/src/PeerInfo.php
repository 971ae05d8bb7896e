<?php

declare(strict_types=1);

namespace Parley;

/**
 * What the peer announced in its HELLO (SPEC §8.2), once the handshake is complete: its name and
 * pid, the protocol version, the codecs and compressions it decodes, and its limits.
 */
final readonly class PeerInfo
{
    /**
     * @param list<string> $codecs codec names the peer decodes (json always)
     * @param list<string> $compression compression names the peer decodes
     * @param int $heartbeatMs the peer's heartbeat interval in milliseconds as sent (0 = off)
     */
    public function __construct(
        public string $name,
        public ?int $pid,
        public int $version,
        public array $codecs,
        public array $compression,
        public int $maxFrame,
        public int $maxMessage,
        public int $maxInFlight,
        public int $heartbeatMs,
        public int $caps,
    ) {
    }
}
