<?php

declare(strict_types=1);

namespace Parley\Internal\Io;

use Parley\Exception\PeerGoneException;
use Parley\Transport\Transport;

/**
 * A transport that hands every call to another one: a decorator overrides only what it changes
 * (like Okio's ForwardingSource).
 */
abstract class ForwardingTransport implements Transport
{
    public function __construct(protected readonly Transport $inner)
    {
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
    }

    public function isFinished(): bool
    {
        return $this->inner->isFinished();
    }

    public function peerGone(string $reason): PeerGoneException
    {
        return $this->inner->peerGone($reason);
    }

    public function description(): string
    {
        return $this->inner->description();
    }
}
