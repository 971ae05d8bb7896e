<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use Parley\Exception\PeerGoneException;
use Parley\Transport\Transport;

/**
 * The ring's socket used as a plain stream after the child declined the ring (SPEC §9.4
 * "Declining"), bound to the child process: closing it runs the child's exit sequence (§9.1), and
 * a dead peer is reported with the child's exit status and stderr tail.
 */
final class ChildBoundTransport implements Transport
{
    public function __construct(
        private readonly Transport $inner,
        private readonly RingChild $child,
    ) {
    }

    public function readStream(): mixed
    {
        return $this->inner->readStream();
    }

    public function writeStream(): mixed
    {
        return $this->inner->writeStream();
    }

    public function canBlockOnRead(): bool
    {
        return $this->inner->canBlockOnRead();
    }

    public function read(): ?string
    {
        return $this->inner->read();
    }

    public function write(string $bytes): int
    {
        return $this->inner->write($bytes);
    }

    public function shutdownOutput(): bool
    {
        return $this->inner->shutdownOutput();
    }

    public function close(): void
    {
        $this->inner->close();
        $this->child->close();
    }

    public function isFinished(): bool
    {
        return $this->inner->isFinished() && $this->child->isFinished();
    }

    public function peerGone(string $reason): PeerGoneException
    {
        return $this->child->peerGone($reason);
    }

    public function description(): string
    {
        return $this->inner->description();
    }
}
