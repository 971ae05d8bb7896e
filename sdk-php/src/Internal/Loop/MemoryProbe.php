<?php

declare(strict_types=1);

namespace Parley\Internal\Loop;

use Parley\Loop\MemoryReadiness;

/**
 * The event loop's side of readiness in shared memory (the ring, SPEC §9.4 "Wake-ups"): spin,
 * announce–fence–re-check, and the two short cuts that save system calls.
 *
 * - While a ring has work, the loop need not select() its streams on every turn: it does so at
 *   most every {@see POLL_EVERY_NS} (other streams wait that long at worst).
 * - When the loop would block and one ring is all it must wait for (no write watcher; other read
 *   watchers were polled less than {@see OTHERS_EVERY_NS} ago), the ring blocks in ONE call that
 *   both waits for the doorbell and drains it ({@see MemoryReadiness::sleep()}), instead of
 *   select() and then a read.
 *
 * @internal
 */
final class MemoryProbe
{
    /** While a ring has work: how often the loop still polls its other streams. */
    private const POLL_EVERY_NS = 1_000_000;
    /** While a ring sleeps alone: how long other read watchers may go unpolled. */
    private const OTHERS_EVERY_NS = 50_000_000;
    /** The longest single sleep on a ring that is the only watcher (then the loop turns once). */
    private const ALONE_MAX_S = 1.0;

    /** @var array<int, MemoryReadiness> read watchers whose readiness is also in shared memory */
    public array $watchers = [];
    private int $lastPoll = 0;

    /** The loop polled (selected) its streams now. */
    public function polled(): void
    {
        $this->lastPoll = hrtime(true);
    }

    /** Whether the streams are due for a poll although a ring has work. */
    public function pollDue(): bool
    {
        return hrtime(true) - $this->lastPoll >= self::POLL_EVERY_NS;
    }

    /**
     * Which watchers have work. When the loop would block ($timeout not 0), it first spins on them
     * (bounded by the largest spin budget and the timeout), then has each announce sleep, fence
     * and re-check: only then may it block on their streams.
     *
     * @return array<int, true>
     */
    public function ready(?float $timeout): array
    {
        $ready = [];
        $spin = 0;
        foreach ($this->watchers as $key => $memory) {
            if ($memory->hasWork()) {
                $ready[$key] = true;
            }
            $spin = max($spin, $memory->spinNanos());
        }
        if ($ready !== [] || $timeout === 0.0) {
            return $ready;
        }
        if ($spin > 0) {
            $now = hrtime(true);
            $deadline = $now + ($timeout === null ? $spin : min($spin, (int) ($timeout * 1e9)));
            while ($now < $deadline) {
                foreach ($this->watchers as $key => $memory) {
                    if ($memory->hasWork()) {
                        $ready[$key] = true;
                    }
                }
                if ($ready !== []) {
                    return $ready;
                }
                $now = hrtime(true);
            }
        }
        foreach ($this->watchers as $key => $memory) {
            if ($memory->prepareToSleep()) {
                $ready[$key] = true;
            }
        }
        return $ready;
    }

    /**
     * The loop would block (every watcher announced sleep, nothing to write): when one ring is all
     * it must wait for, sleep on it in one call. Returns null when the loop must select instead,
     * else [the watcher's key, whether something came].
     *
     * @param int $readWatchers how many read watchers the loop has (the ring's included)
     * @return array{int, bool}|null
     */
    public function sleepAlone(?float $timeout, int $readWatchers): ?array
    {
        if (count($this->watchers) !== 1) {
            return null;
        }
        if ($readWatchers === 1) {
            $cap = self::ALONE_MAX_S;
        } else {
            $left = self::OTHERS_EVERY_NS - (hrtime(true) - $this->lastPoll);
            if ($left <= 0) {
                return null;
            }
            $cap = $left / 1e9;
        }
        $seconds = $timeout === null ? $cap : min($cap, $timeout);
        $key = array_key_first($this->watchers);
        $came = $this->watchers[$key]->sleep($seconds);
        return $came === null ? null : [$key, $came];
    }
}
