<?php

declare(strict_types=1);

namespace Parley\Loop;

use Closure;
use Fiber;
use Parley\Internal\Loop\MemoryProbe;
use SplMinHeap;

use function ceil;
use function count;
use function hrtime;
use function is_resource;
use function max;
use function spl_object_id;
use function usleep;

/**
 * A small event loop: stream readiness through a {@see Poller}, timers, deferred callbacks and the
 * Fibers that run request handlers.
 *
 * Plain code drives it by awaiting ({@see await()}); a Fiber from its pool suspends instead, so a
 * handler can call the other side and wait while other requests proceed.
 *
 * When the only thing to wait for is one stream that supports blocking reads (a pipe), with no
 * timer and no pending write, the loop skips select() and lets the read block: that halves the
 * system calls of a synchronous request/response round trip.
 */
final class EventLoop
{
    private static ?self $default = null;

    private readonly Poller $poller;
    private readonly FiberPool $fibers;
    private int $nextKey = 1;
    /** @var array<int, Closure> */
    private array $readCallbacks = [];
    /** @var array<int, bool> whether the read watcher may be called without readiness (blocking read) */
    private array $blockingReads = [];
    /** Read watchers whose readiness is also in shared memory (a ring) and how the loop waits on them */
    private readonly MemoryProbe $memory;
    /** @var array<int, Closure> */
    private array $writeCallbacks = [];
    /** @var array<int, resource> the stream of each read or write watcher */
    private array $streams = [];
    private ?HostLoop $host = null;
    /** @var array<int, array{float, Closure, float}> key => [due, callback, interval (0 = once)] */
    private array $timers = [];
    /** @var SplMinHeap<array{float, int}> */
    private SplMinHeap $timerHeap;
    /** @var list<array{0: Fiber|Closure, 1: mixed, 2: ?\Throwable}> */
    private array $queue = [];
    /** @var array<int, Flushable> */
    private array $flushers = [];
    /** @var array<int, true> keys of watchers that should not keep run() alive */
    private array $unreferenced = [];
    /** @internal > 0 while a notification listener runs: waiting there would reorder messages */
    public int $listenerDepth = 0;

    private bool $stopped = false;

    public function __construct(?Poller $poller = null)
    {
        $this->poller = $poller ?? self::defaultPoller();
        $this->fibers = new FiberPool();
        $this->timerHeap = new SplMinHeap();
        $this->memory = new MemoryProbe();
    }

    /** The process-wide loop every session uses unless given another. */
    public static function get(): self
    {
        return self::$default ??= new self();
    }

    public static function setDefault(self $loop): void
    {
        self::$default = $loop;
    }

    /**
     * On Linux with FFI, stream_select() that hands over to epoll past a few hundred streams or a
     * descriptor beyond FD_SETSIZE ({@see AdaptivePoller}); stream_select() elsewhere.
     * PARLEY_POLLER=select or =epoll forces one (for comparisons).
     */
    private static function defaultPoller(): Poller
    {
        $forced = getenv('PARLEY_POLLER');
        if ($forced === 'select') {
            return new StreamSelectPoller();
        }
        if ($forced === 'epoll') {
            return EpollPoller::create() ?? new StreamSelectPoller();
        }
        return EpollPoller::create() !== null ? new AdaptivePoller() : new StreamSelectPoller();
    }

    public function fibers(): FiberPool
    {
        return $this->fibers;
    }

    /**
     * Calls $callback when the stream is readable.
     *
     * @param resource $stream
     * @param bool $blocking the callback's read may block until data arrives, so the loop may call
     *                       it without polling when nothing else is pending (pipes in blocking mode)
     * @param MemoryReadiness|null $memory readiness beside the stream's (a shared-memory ring): the
     *                       callback also runs when it has work, and the loop spins on it, then has it
     *                       announce sleep, before blocking
     */
    public function onReadable(
        mixed $stream,
        Closure $callback,
        bool $blocking = false,
        ?MemoryReadiness $memory = null,
    ): int {
        $key = $this->nextKey++;
        $this->readCallbacks[$key] = $callback;
        if ($blocking) {
            $this->blockingReads[$key] = true;
        }
        if ($memory !== null) {
            $this->memory->watchers[$key] = $memory;
        }
        $this->streams[$key] = $stream;
        $this->poller->addRead($key, $stream);
        $this->host?->watchReadable($key, $stream);
        return $key;
    }

    /** @param resource $stream */
    public function onWritable(mixed $stream, Closure $callback): int
    {
        $key = $this->nextKey++;
        $this->writeCallbacks[$key] = $callback;
        $this->streams[$key] = $stream;
        $this->poller->addWrite($key, $stream);
        $this->host?->watchWritable($key, $stream);
        return $key;
    }

    /** Runs $callback once after $seconds. */
    public function delay(float $seconds, Closure $callback): int
    {
        $key = $this->nextKey++;
        $due = hrtime(true) / 1e9 + $seconds;
        $this->timers[$key] = [$due, $callback, 0.0];
        $this->timerHeap->insert([$due, $key]);
        $this->host?->wakeIn($seconds);
        return $key;
    }

    /** Runs $callback every $seconds. */
    public function repeat(float $seconds, Closure $callback): int
    {
        $key = $this->nextKey++;
        $due = hrtime(true) / 1e9 + $seconds;
        $this->timers[$key] = [$due, $callback, max($seconds, 0.001)];
        $this->timerHeap->insert([$due, $key]);
        $this->host?->wakeIn($seconds);
        return $key;
    }

    /** A watcher or timer that should not keep {@see run()} going on its own (e.g. a child's reaper). */
    public function unreference(int $key): void
    {
        $this->unreferenced[$key] = true;
    }

    /** Removes a watcher or timer; unknown keys are ignored. */
    public function cancel(int $key): void
    {
        if (isset($this->readCallbacks[$key])) {
            unset($this->readCallbacks[$key], $this->blockingReads[$key], $this->streams[$key]);
            unset($this->memory->watchers[$key]);
            $this->poller->removeRead($key);
            $this->host?->unwatch($key);
        } elseif (isset($this->writeCallbacks[$key])) {
            unset($this->writeCallbacks[$key], $this->streams[$key]);
            $this->poller->removeWrite($key);
            $this->host?->unwatch($key);
        } else {
            // The heap entry stays and is skipped when it comes up.
            unset($this->timers[$key]);
        }
        unset($this->unreferenced[$key]);
    }

    /** Runs $callback soon, from the loop, after the current callback returns. */
    public function defer(Closure $callback): void
    {
        $this->queue[] = [$callback, null, null];
        $this->host?->wakeIn(0.0);
    }

    /** @internal resumes a suspended Fiber from the loop */
    public function resumeLater(Fiber $fiber, mixed $value = null): void
    {
        $this->queue[] = [$fiber, $value, null];
        $this->host?->wakeIn(0.0);
    }

    /** @internal throws into a suspended Fiber from the loop (cancellation of a handler) */
    public function throwLater(Fiber $fiber, \Throwable $error): void
    {
        $this->queue[] = [$fiber, null, $error];
        $this->host?->wakeIn(0.0);
    }

    /** @internal asks for $target->flush() before the loop next waits */
    public function scheduleFlush(Flushable $target): void
    {
        $this->flushers[spl_object_id($target)] = $target;
        $this->host?->wakeIn(0.0);
    }

    /** Runs $task($argument) in a pooled Fiber (a request handler, or a concurrent task of yours). */
    public function async(Closure $task, mixed $argument = null): void
    {
        $this->fibers->run($task, $argument);
    }

    /**
     * Waits for $awaitable: suspends the current Fiber when it is one of the loop's, otherwise runs
     * the loop until the awaitable completes.
     *
     * @throws \LogicException when nothing pending can ever complete it (a deadlock in the caller)
     */
    public function await(Awaitable $awaitable): void
    {
        if ($awaitable->isDone()) {
            return;
        }
        $fiber = Fiber::getCurrent();
        if ($fiber !== null && !$this->fibers->owns($fiber)) {
            // A Fiber of the application (or of another scheduler): suspend it instead of blocking
            // the process, so its siblings run. Each time it is resumed, the loop does one
            // non-blocking step; the scheduler resumes it again until the awaitable is done.
            while (!$awaitable->isDone()) {
                $this->tick(false);
                if ($awaitable->isDone()) {
                    break;
                }
                Fiber::suspend();
            }
            return;
        }
        if ($fiber !== null) {
            do {
                $awaitable->addWaiter($fiber);
                try {
                    Fiber::suspend();
                } finally {
                    $awaitable->removeWaiter($fiber);
                }
            } while (!$awaitable->isDone());
            return;
        }
        if ($this->listenerDepth > 0) {
            throw self::waitInListener();
        }
        while (!$awaitable->isDone()) {
            if (!$this->tick(true)) {
                throw new \LogicException(
                    'await() would wait forever: nothing in the event loop can complete it '
                    . '(no open session, timer or pending task)',
                );
            }
        }
    }

    /** @internal */
    public static function waitInListener(): \LogicException
    {
        return new \LogicException(
            'a notification listener must not wait (SPEC §6.7: what arrived after the notification waits for '
            . 'its listener); start the call and return, or wait inside Ipc::async()',
        );
    }

    /** Waits $seconds: suspends a handler's Fiber, or runs the loop meanwhile. */
    public function sleep(float $seconds): void
    {
        $done = new Deferred($this);
        $key = $this->delay($seconds, static fn () => $done->resolve());
        try {
            $this->await($done);
        } finally {
            $this->cancel($key);
        }
    }

    /** Runs until no watcher, timer or task is left (or {@see stop()}). */
    public function run(): void
    {
        $this->stopped = false;
        while (!$this->stopped && $this->hasWork()) {
            $this->tick(true);
        }
        $this->stopped = false;
    }

    /**
     * Makes {@see run()} return after the current iteration; watchers and timers stay registered
     * (a later run() or await() goes on with them).
     */
    public function stop(): void
    {
        $this->stopped = true;
    }

    /**
     * One iteration: queued tasks, pending writes, then waiting for streams and timers.
     *
     * A host event loop either drives this one with `tick(true, $seconds)`, or watches its streams
     * itself and calls {@see runReady()} (see {@see HostLoop}).
     *
     * @param bool $block whether to wait for an event when nothing is ready
     * @param float|null $maxWait the longest wait in seconds when blocking (null: until an event)
     * @return bool false when nothing at all is pending (waiting would be forever)
     */
    public function tick(bool $block = true, ?float $maxWait = null): bool
    {
        $ranTasks = false;
        if ($this->queue !== []) {
            $this->runQueue();
            $ranTasks = true;
        }
        if ($this->flushers !== []) {
            $flushers = $this->flushers;
            $this->flushers = [];
            foreach ($flushers as $target) {
                $target->flush();
            }
            if ($this->queue !== []) {
                $this->runQueue();
                $ranTasks = true;
            }
        }
        $timeout = null;
        if ($ranTasks || $this->queue !== [] || !$block) {
            // Tasks may have completed what the caller waits for: poll, do not block.
            $timeout = 0.0;
        } elseif ($this->timers !== []) {
            $timeout = max(0.0, $this->nextDue() - hrtime(true) / 1e9);
        } elseif ($this->readCallbacks === [] && $this->writeCallbacks === []) {
            return false;
        }
        if ($maxWait !== null && ($timeout === null || $timeout > $maxWait)) {
            $timeout = max(0.0, $maxWait);
        }
        $inMemory = $this->memory->watchers === [] ? [] : $this->memory->ready($timeout);
        $slept = null;
        if ($inMemory !== []) {
            $timeout = 0.0;
        } elseif ($this->memory->watchers !== [] && $timeout !== 0.0 && $this->writeCallbacks === []) {
            // A ring is all there is to wait for: block and drain its doorbell in one call (§9.4).
            $slept = $this->memory->sleepAlone($timeout, count($this->readCallbacks));
        }
        if ($slept !== null) {
            if ($slept[1]) {
                $this->dispatch($slept[0]);
            }
        } elseif ($inMemory !== [] && $this->writeCallbacks === [] && !$this->memory->pollDue()) {
            // The ring has work and the other streams were polled a moment ago: no select() now.
            foreach ($inMemory as $key => $_) {
                $this->dispatch($key);
            }
        } elseif (
            $timeout === null && $this->writeCallbacks === [] && count($this->readCallbacks) === 1
            && $this->blockingReads !== []
        ) {
            // One pipe and nothing else: read directly, the read blocks (no select() round trip).
            foreach ($this->readCallbacks as $key => $callback) {
                $this->dispatch($key);
            }
        } elseif ($this->readCallbacks !== [] || $this->writeCallbacks !== []) {
            [$readable, $writable] = $this->poller->wait($timeout);
            $this->memory->polled();
            foreach ($writable as $key) {
                $this->dispatch($key);
            }
            foreach ($readable as $key) {
                unset($inMemory[$key]);
                $this->dispatch($key);
            }
            foreach ($inMemory as $key => $_) {
                $this->dispatch($key);
            }
        } elseif ($timeout > 0) {
            usleep((int) ceil($timeout * 1e6));
        }
        if ($this->timers !== []) {
            $this->runTimers();
        }
        return true;
    }

    /**
     * Hands the loop's streams and wake-ups to a host event loop (an adapter's {@see HostLoop}):
     * every watcher registered now or later is announced to it, and every cancelled one withdrawn;
     * the host then calls {@see runReady()}. Null detaches the host again.
     */
    public function setHost(?HostLoop $host): void
    {
        if ($this->host !== null) {
            foreach ($this->streams as $key => $_) {
                $this->host->unwatch($key);
            }
        }
        $this->host = $host;
        if ($host === null) {
            return;
        }
        foreach ($this->streams as $key => $stream) {
            if (isset($this->readCallbacks[$key])) {
                $host->watchReadable($key, $stream);
            } else {
                $host->watchWritable($key, $stream);
            }
        }
        $wake = $this->nextWake();
        if ($wake !== null) {
            $host->wakeIn($wake);
        }
    }

    /**
     * For a host loop: runs the watcher $key the host found ready (when given), then queued tasks,
     * pending writes and due timers, without polling or waiting.
     *
     * @return float|null seconds until the loop needs this call again without a ready stream
     *                    (0.0: at once), null when only a stream can give it work
     */
    public function runReady(?int $key = null): ?float
    {
        if ($key !== null) {
            $this->dispatch($key);
        }
        do {
            if ($this->queue !== []) {
                $this->runQueue();
            }
            if ($this->flushers !== []) {
                $flushers = $this->flushers;
                $this->flushers = [];
                foreach ($flushers as $target) {
                    $target->flush();
                }
            }
            if ($this->timers !== []) {
                $this->runTimers();
            }
        } while ($this->queue !== [] || $this->flushers !== []);
        return $this->nextWake();
    }

    /** Seconds until the next timer (0.0 when tasks are queued), null when none is set. */
    private function nextWake(): ?float
    {
        if ($this->queue !== [] || $this->flushers !== []) {
            return 0.0;
        }
        if ($this->timers === []) {
            return null;
        }
        $due = $this->nextDue();
        return $due === INF ? null : max(0.0, $due - hrtime(true) / 1e9);
    }

    /**
     * Runs the watcher $key (read or write). A watcher whose stream was closed under it is run once
     * (its reader sees the end) and then dropped: a closed stream can never be polled again.
     */
    private function dispatch(int $key): void
    {
        $callback = $this->writeCallbacks[$key] ?? $this->readCallbacks[$key] ?? null;
        if ($callback === null) {
            return;
        }
        $callback();
        if (isset($this->streams[$key]) && !is_resource($this->streams[$key])) {
            $this->cancel($key);
        }
    }

    private function hasWork(): bool
    {
        if ($this->queue !== [] || $this->flushers !== []) {
            return true;
        }
        foreach ($this->readCallbacks as $key => $_) {
            if (!isset($this->unreferenced[$key])) {
                return true;
            }
        }
        foreach ($this->writeCallbacks as $key => $_) {
            if (!isset($this->unreferenced[$key])) {
                return true;
            }
        }
        foreach ($this->timers as $key => $_) {
            if (!isset($this->unreferenced[$key])) {
                return true;
            }
        }
        return false;
    }

    private function runQueue(): void
    {
        while ($this->queue !== []) {
            $queue = $this->queue;
            $this->queue = [];
            foreach ($queue as [$target, $value, $error]) {
                if ($target instanceof Fiber) {
                    if (!$target->isSuspended()) {
                        continue;
                    }
                    if ($error !== null) {
                        $target->throw($error);
                    } else {
                        $target->resume($value);
                    }
                } else {
                    $target();
                }
            }
        }
    }

    private function nextDue(): float
    {
        while (!$this->timerHeap->isEmpty()) {
            [$due, $key] = $this->timerHeap->top();
            if (isset($this->timers[$key]) && $this->timers[$key][0] === $due) {
                return $due;
            }
            $this->timerHeap->extract();
        }
        return INF;
    }

    private function runTimers(): void
    {
        $now = hrtime(true) / 1e9;
        while (!$this->timerHeap->isEmpty()) {
            [$due, $key] = $this->timerHeap->top();
            if (!isset($this->timers[$key]) || $this->timers[$key][0] !== $due) {
                $this->timerHeap->extract();
                continue;
            }
            if ($due > $now) {
                return;
            }
            $this->timerHeap->extract();
            [, $callback, $interval] = $this->timers[$key];
            if ($interval > 0) {
                $next = $due + $interval > $now ? $due + $interval : $now + $interval; // late: skip, no burst
                $this->timers[$key][0] = $next;
                $this->timerHeap->insert([$next, $key]);
            } else {
                unset($this->timers[$key], $this->unreferenced[$key]);
            }
            $callback();
        }
    }
}
