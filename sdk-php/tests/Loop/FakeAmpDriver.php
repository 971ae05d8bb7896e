<?php

declare(strict_types=1);

namespace Parley\Tests\Loop;

/**
 * A stand-in for AMPHP v2's loop driver (`Amp\Loop\Driver`) with the calls AmpV2Adapter makes:
 * stream watchers, defer, delay, cancel, reference/unreference. `repeat()` is refused: an adapter
 * that registers the streams has no reason to poll. run() waits in stream_select() with no timeout
 * unless a delay is due, so anything that is not driven by readiness or a wake-up hangs (the test's
 * time limit fails it) instead of passing by polling.
 */
final class FakeAmpDriver
{
    private const IDLE_LIMIT = 10;
    /** @var array<string, array{kind: string, stream: mixed, callback: callable, due: float}> */
    public array $watchers = [];
    /** @var array<string, true> */
    public array $unreferenced = [];
    /** @var array<string, int> calls per method */
    public array $calls = [];
    /** @var list<mixed> every stream ever registered for reading */
    public array $readStreams = [];
    private int $next = 1;

    public function onReadable(mixed $stream, callable $callback): string
    {
        $this->readStreams[] = $stream;
        return $this->add('read', $stream, $callback, 0.0);
    }

    public function onWritable(mixed $stream, callable $callback): string
    {
        return $this->add('write', $stream, $callback, 0.0);
    }

    public function defer(callable $callback): string
    {
        return $this->add('defer', null, $callback, 0.0);
    }

    public function delay(int $ms, callable $callback): string
    {
        return $this->add('delay', null, $callback, microtime(true) + $ms / 1000);
    }

    public function repeat(int $ms, callable $callback): string
    {
        throw new \LogicException("the adapter asked for a {$ms} ms repeat watcher: it polls");
    }

    public function cancel(string $id): void
    {
        $this->count('cancel');
        unset($this->watchers[$id], $this->unreferenced[$id]);
    }

    public function reference(string $id): void
    {
        unset($this->unreferenced[$id]);
    }

    public function unreference(string $id): void
    {
        if (isset($this->watchers[$id])) {
            $this->unreferenced[$id] = true;
        }
    }

    /** Stream watchers that are registered now, by kind. */
    public function streamWatchers(string $kind): int
    {
        return count(array_filter($this->watchers, static fn (array $w): bool => $w['kind'] === $kind));
    }

    /** Runs while a referenced watcher is left (as AMPHP does), or until $until returns true. */
    public function run(?\Closure $until = null, int $maxIterations = 10000): void
    {
        for ($i = 0; $i < $maxIterations; $i++) {
            if ($until !== null && $until()) {
                return;
            }
            $referenced = array_diff_key($this->watchers, $this->unreferenced);
            if ($referenced === [] && $until === null) {
                return;
            }
            $this->once();
        }
        throw new \RuntimeException("the fake loop did not finish in $maxIterations iterations");
    }

    private function once(): void
    {
        $this->count('iteration');
        $timeout = null;
        $read = [];
        $write = [];
        $ids = [];
        foreach ($this->watchers as $id => $w) {
            if ($w['kind'] === 'defer') {
                $timeout = 0.0;
            } elseif ($w['kind'] === 'delay') {
                $left = max(0.0, $w['due'] - microtime(true));
                $timeout = $timeout === null ? $left : min($timeout, $left);
            } else {
                $ids[$w['kind']][(int) $w['stream']] = $id;
                if ($w['kind'] === 'read') {
                    $read[] = $w['stream'];
                } else {
                    $write[] = $w['stream'];
                }
            }
        }
        if ($read !== [] || $write !== []) {
            $except = null;
            // no timer: wait for readiness alone (capped, so that a missing registration fails, not hangs)
            $wait = $timeout ?? self::IDLE_LIMIT;
            $count = @stream_select($read, $write, $except, (int) $wait, (int) (($wait - (int) $wait) * 1e6));
            if ($count === 0 && $timeout === null) {
                throw new \LogicException('nothing woke the fake loop for ' . self::IDLE_LIMIT . ' s');
            }
            if ($count > 0) {
                foreach ([['write', $write], ['read', $read]] as [$kind, $ready]) {
                    foreach ($ready as $stream) {
                        $id = $ids[$kind][(int) $stream] ?? null;
                        if ($id !== null && isset($this->watchers[$id])) {
                            ($this->watchers[$id]['callback'])($id, $stream, null);
                        }
                    }
                }
            }
        } elseif ($timeout !== null && $timeout > 0) {
            usleep((int) ($timeout * 1e6));
        } elseif ($timeout === null) {
            throw new \LogicException('the fake loop would wait forever: nothing is watched');
        }
        $now = microtime(true);
        foreach ($this->watchers as $id => $w) {
            if ($w['kind'] === 'defer' || ($w['kind'] === 'delay' && $w['due'] <= $now)) {
                unset($this->watchers[$id], $this->unreferenced[$id]);
                ($w['callback'])($id, null);
            }
        }
    }

    private function add(string $kind, mixed $stream, callable $callback, float $due): string
    {
        $this->count($kind);
        $id = 'w' . $this->next++;
        $this->watchers[$id] = ['kind' => $kind, 'stream' => $stream, 'callback' => $callback, 'due' => $due];
        return $id;
    }

    private function count(string $what): void
    {
        $this->calls[$what] = ($this->calls[$what] ?? 0) + 1;
    }
}
