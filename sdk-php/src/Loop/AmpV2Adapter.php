<?php

declare(strict_types=1);

namespace Parley\Loop;

use Amp\Deferred as AmpDeferred;
use Amp\Loop as AmpLoop;
use Amp\Promise;
use Parley\Session\Call;

use function ceil;
use function class_exists;
use function hrtime;
use function max;

/**
 * Runs Parley inside an AMPHP v2 event loop (the `amphp/amp` 2.x API, Debian's php-amphp-amp):
 * host timers and coroutines keep running while Parley calls are in flight.
 *
 * ```php
 * Amp\Loop::run(function () {
 *     $amp = new AmpV2Adapter();
 *     $amp->attach(EventLoop::get());
 *     $worker = Ipc::spawn(['php', 'worker.php']);
 *     $price = yield $amp->promise($worker->call('price', ['sku' => 'A1']));
 * });
 * ```
 *
 * Parley's streams are registered with the AMPHP loop (`onReadable` / `onWritable`), and its
 * timers and queued work become one AMPHP `delay` / `defer` watcher: nothing polls. The watchers are
 * referenced only while a promise is pending, so Parley never keeps the AMPHP loop alive on its
 * own. Requires amphp/amp 2.x at run time (not a dependency of the SDK).
 */
final class AmpV2Adapter implements HostLoopAdapter, HostLoop
{
    private ?EventLoop $loop = null;
    private ?object $driver = null;
    /** @var array<int, string> Parley watcher key => AMPHP watcher id */
    private array $watchers = [];
    private ?string $wakeWatcher = null;
    private float $wakeDue = INF;
    private int $pending = 0;

    /**
     * @param object|null $driver the AMPHP loop driver (`Amp\Loop\Driver`); null: `Amp\Loop::get()`
     *                            when attaching. Any object with the driver's onReadable, onWritable,
     *                            delay, defer, cancel, reference and unreference methods works.
     */
    public function __construct(?object $driver = null)
    {
        if ($driver === null && !class_exists(AmpLoop::class)) {
            throw new \LogicException('AmpV2Adapter needs amphp/amp 2.x (Debian: apt-get install php-amphp-amp)');
        }
        $this->driver = $driver;
    }

    public function attach(EventLoop $loop): void
    {
        $this->detach();
        $this->driver ??= AmpLoop::get();
        $this->loop = $loop;
        $loop->setHost($this);
    }

    public function detach(): void
    {
        $this->loop?->setHost(null);
        $this->loop = null;
        $this->cancelWake();
    }

    public function promise(Call $call): Promise
    {
        if ($this->loop === null) {
            $this->attach(EventLoop::get());
        }
        $deferred = new AmpDeferred();
        if ($this->pending++ === 0) {
            $this->referenceAll(true);
        }
        $call->onComplete(function (Call $call) use ($deferred): void {
            if (--$this->pending === 0) {
                $this->referenceAll(false);
            }
            $error = $call->error();
            if ($error === null) {
                $deferred->resolve($call->await());
            } else {
                $deferred->fail($error);
            }
        });
        return $deferred->promise();
    }

    public function watchReadable(int $key, mixed $stream): void
    {
        $this->track($key, $this->host()->onReadable($stream, fn () => $this->step($key)));
    }

    public function watchWritable(int $key, mixed $stream): void
    {
        $this->track($key, $this->host()->onWritable($stream, fn () => $this->step($key)));
    }

    public function unwatch(int $key): void
    {
        if (isset($this->watchers[$key])) {
            $this->host()->cancel($this->watchers[$key]);
            unset($this->watchers[$key]);
        }
    }

    public function wakeIn(float $seconds): void
    {
        $due = hrtime(true) / 1e9 + max(0.0, $seconds);
        if ($this->wakeWatcher !== null && $this->wakeDue <= $due) {
            return; // an earlier wake-up is already set
        }
        $this->cancelWake();
        $this->wakeDue = $due;
        $wake = function (): void {
            $this->wakeWatcher = null;
            $this->wakeDue = INF;
            $this->step(null);
        };
        $this->wakeWatcher = $seconds <= 0.0
            ? $this->host()->defer($wake)
            : $this->host()->delay((int) ceil($seconds * 1000), $wake);
        if ($this->pending === 0) {
            $this->host()->unreference($this->wakeWatcher);
        }
    }

    /** Runs Parley's ready watcher (or only its due work) and sets the next wake-up. */
    private function step(?int $key): void
    {
        $loop = $this->loop;
        if ($loop === null) {
            return;
        }
        $next = $loop->runReady($key);
        if ($next !== null && $this->loop === $loop) {
            $this->wakeIn($next);
        }
    }

    private function track(int $key, string $id): void
    {
        $this->watchers[$key] = $id;
        if ($this->pending === 0) {
            $this->host()->unreference($id);
        }
    }

    private function referenceAll(bool $on): void
    {
        $ids = $this->watchers;
        if ($this->wakeWatcher !== null) {
            $ids[] = $this->wakeWatcher;
        }
        foreach ($ids as $id) {
            if ($on) {
                $this->host()->reference($id);
            } else {
                $this->host()->unreference($id);
            }
        }
    }

    private function cancelWake(): void
    {
        if ($this->wakeWatcher !== null) {
            $this->host()->cancel($this->wakeWatcher);
            $this->wakeWatcher = null;
            $this->wakeDue = INF;
        }
    }

    /** @return object the AMPHP driver (or the object standing in for it) */
    private function host(): object
    {
        return $this->driver ??= AmpLoop::get();
    }
}
