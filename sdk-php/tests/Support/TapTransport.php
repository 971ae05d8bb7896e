<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

use Parley\Internal\Io\ForwardingTransport;

use function strlen;
use function substr;

/**
 * A transport wrapper (SessionOptions::$transportDecorator) that can write raw bytes between two
 * frames: hand-made frames and stray bytes for tests of the receiving side. Everything else is
 * forwarded (ForwardingTransport); the conformance peer's Parley\Peer\TapTransport is its twin.
 */
final class TapTransport extends ForwardingTransport
{
    private string $pending = '';
    private bool $midWrite = false;

    /** Writes $bytes as they are, after the frame being written (if any), before the next one. */
    public function inject(string $bytes): void
    {
        $this->pending .= $bytes;
        if (!$this->midWrite) {
            $this->drainPending();
        }
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

    /** @return bool whether everything injected is written */
    private function drainPending(): bool
    {
        $written = $this->inner->write($this->pending);
        $this->pending = (string) substr($this->pending, $written);
        return $this->pending === '';
    }
}
