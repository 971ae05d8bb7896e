<?php

declare(strict_types=1);

namespace Parley\Loop;

/**
 * Readiness polling behind the event loop. Streams are registered once and identified by an int
 * key, so pollers that keep kernel state (ext-ev, ext-event, PHP's proposed Io\Poll) fit the same
 * shape as stream_select().
 */
interface Poller
{
    /** @param resource $stream */
    public function addRead(int $key, mixed $stream): void;

    public function removeRead(int $key): void;

    /** @param resource $stream */
    public function addWrite(int $key, mixed $stream): void;

    public function removeWrite(int $key): void;

    /** True when no stream is registered. */
    public function isEmpty(): bool;

    /**
     * Waits until a registered stream is ready or the timeout passes.
     *
     * @param float|null $timeout seconds; null waits without limit, 0 only polls
     * @return array{0: list<int>, 1: list<int>} keys ready to read, keys ready to write
     */
    public function wait(?float $timeout): array;
}
