<?php

declare(strict_types=1);

namespace Parley\Loop;

use Amp\Deferred as AmpDeferred;
use Amp\Loop as AmpLoop;
use Amp\Promise;
use Parley\Session\Call;

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
 * While a promise is pending, an AMPHP repeat watcher steps Parley's loop without blocking
 * (`tick(false)`) every $intervalMs; it is unreferenced when nothing is pending, so it never keeps
 * the AMPHP loop alive on its own. Requires amphp/amp 2.x at run time (not a dependency of the SDK).
 */
final class AmpV2Adapter implements HostLoopAdapter
{
    private ?EventLoop $loop = null;
    private ?string $watcher = null;
    private int $pending = 0;

    /** @param int $intervalMs how often Parley's loop is stepped while calls are pending */
    public function __construct(private readonly int $intervalMs = 1)
    {
        if (!class_exists(AmpLoop::class)) {
            throw new \LogicException('AmpV2Adapter needs amphp/amp 2.x (Debian: apt-get install php-amphp-amp)');
        }
    }

    public function attach(EventLoop $loop): void
    {
        $this->detach();
        $this->loop = $loop;
        $this->watcher = AmpLoop::repeat($this->intervalMs, static function () use ($loop): void {
            $loop->tick(false);
        });
        AmpLoop::unreference($this->watcher);
    }

    public function detach(): void
    {
        if ($this->watcher !== null) {
            AmpLoop::cancel($this->watcher);
            $this->watcher = null;
        }
        $this->loop = null;
    }

    public function promise(Call $call): Promise
    {
        if ($this->loop === null) {
            $this->attach(EventLoop::get());
        }
        $deferred = new AmpDeferred();
        if ($this->pending++ === 0 && $this->watcher !== null) {
            AmpLoop::reference($this->watcher);
        }
        $call->onComplete(function (Call $call) use ($deferred): void {
            if (--$this->pending === 0 && $this->watcher !== null) {
                AmpLoop::unreference($this->watcher);
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
}
