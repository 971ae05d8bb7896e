<?php

declare(strict_types=1);

namespace Parley\Loop;

use Parley\Exception\TransportException;

use function array_keys;
use function is_resource;
use function max;
use function stream_select;
use function usleep;

/**
 * The portable poller: stream_select(), available everywhere. select() handles descriptors below
 * FD_SETSIZE (1024), which bounds how many sessions one process can watch with it: a descriptor at or
 * beyond it is a {@see TransportException}, not a stall. On Linux with FFI, {@see EpollPoller} is used.
 * A stream closed while registered is reported ready (its reader sees the end), never passed to select().
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
        $closed = self::takeClosed($read, $write);
        if ($closed !== [[], []]) {
            // select() refuses a closed stream; its watcher is reported ready and then dropped
            $timeout = 0.0;
            if ($read === [] && $write === []) {
                return $closed;
            }
        }
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
        // A descriptor beyond FD_SETSIZE is: select() can never watch it, so waiting would stall.
        $warning = null;
        set_error_handler(static function (int $type, string $message) use (&$warning): bool {
            $warning = $message;
            return true;
        });
        try {
            $count = stream_select($read, $write, $except, $seconds, $micros);
        } finally {
            restore_error_handler();
        }
        if ($count === false && $warning !== null && str_contains($warning, 'FD_SETSIZE')) {
            throw new TransportException(
                'stream_select() cannot watch descriptors numbered 1024 (FD_SETSIZE) or higher, and this process '
                . 'has more open: enable ext-ffi on Linux so Parley uses its epoll poller, or keep fewer '
                . 'connections open (' . trim((string) strtok($warning, "\n")) . ')',
            );
        }
        if ($count === false || $count === 0) {
            return $closed;
        }
        return [[...$closed[0], ...array_keys($read)], [...$closed[1], ...array_keys($write)]];
    }

    /**
     * Removes closed streams from the sets and returns their keys.
     *
     * @param array<int, mixed> $read
     * @param array<int, mixed> $write
     * @return array{0: list<int>, 1: list<int>}
     */
    private static function takeClosed(array &$read, array &$write): array
    {
        $closed = [[], []];
        foreach ([&$read, &$write] as $slot => &$set) {
            foreach ($set as $key => $stream) {
                if (!is_resource($stream)) {
                    unset($set[$key]);
                    $closed[$slot][] = $key;
                }
            }
        }
        return $closed;
    }
}
