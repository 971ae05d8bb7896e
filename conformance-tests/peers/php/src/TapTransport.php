<?php

declare(strict_types=1);

namespace Parley\Peer;

use Parley\Exception\PeerGoneException;
use Parley\Transport\Transport;

use function strlen;
use function substr;

/**
 * The peer's transport wrapper (SessionOptions::$transportDecorator): writes raw bytes between two
 * frames for the `print-stray` method (PEER-CONTRACT.md), without a test hook in the SDK.
 */
final class TapTransport implements Transport
{
    private string $pending = '';
    private bool $midWrite = false;

    public function __construct(private readonly Transport $inner)
    {
    }

    /** Writes $bytes as they are, after the frame being written (if any), before the next one. */
    public function inject(string $bytes): void
    {
        $this->pending .= $bytes;
        if (!$this->midWrite) {
            $this->drainPending();
        }
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
        if (!$this->midWrite && $this->pending !== '' && !$this->drainPending()) {
            return 0;
        }
        $written = $this->inner->write($bytes);
        $this->midWrite = $written < strlen($bytes);
        return $written;
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

    /** @return bool whether everything injected is written */
    private function drainPending(): bool
    {
        $written = $this->inner->write($this->pending);
        $this->pending = (string) substr($this->pending, $written);
        return $this->pending === '';
    }
}
