<?php

declare(strict_types=1);

namespace Parley\Loop;

use function array_keys;
use function max;
use function stream_select;
use function usleep;

/**
 * The portable poller: stream_select(), available everywhere. select() handles descriptors below
 * FD_SETSIZE (1024), which bounds how many sessions one process can watch with it.
 */
final class StreamSelectPoller implements Poller
{
    /** @var array<int, resource> */
    private array $read = [];
    /** @var array<int, resource> */
    private array $write = [];

    public function addRead(int $key, mixed $stream): void
    {
        $this->read[$key] = $stream;
    }

    public function removeRead(int $key): void
    {
        unset($this->read[$key]);
    }

    public function addWrite(int $key, mixed $stream): void
    {
        $this->write[$key] = $stream;
    }

    public function removeWrite(int $key): void
    {
        unset($this->write[$key]);
    }

    public function isEmpty(): bool
    {
        return $this->read === [] && $this->write === [];
    }

    public function wait(?float $timeout): array
    {
        if ($this->read === [] && $this->write === []) {
            if ($timeout !== null && $timeout > 0) {
                usleep((int) ($timeout * 1e6));
            }
            return [[], []];
        }
        $read = $this->read;
        $write = $this->write;
        $except = null;
        if ($timeout === null) {
            $seconds = null;
            $micros = null;
        } else {
            $timeout = max(0.0, $timeout);
            $seconds = (int) $timeout;
            $micros = (int) (($timeout - $seconds) * 1e6);
        }
        // A signal interrupting select() is not an error: report nothing ready and let the loop go on.
        $count = @stream_select($read, $write, $except, $seconds, $micros);
        if ($count === false || $count === 0) {
            return [[], []];
        }
        return [array_keys($read), array_keys($write)];
    }
}
