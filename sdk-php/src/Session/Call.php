<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Parley\Exception\CancelledException;
use Parley\Loop\Awaitable;
use Parley\Loop\EventLoop;
use Parley\Loop\WaiterList;

use function sprintf;

/**
 * An outgoing request: await its result, cancel it, follow its progress.
 *
 * ```php
 * $call = $session->call('resize', ['path' => $p], timeout: 5.0, onProgress: fn ($p) => print_r($p));
 * $result = $call->await();
 * ```
 */
final class Call implements Awaitable
{
    use WaiterList;

    private const PENDING = 0;
    private const DONE = 1;
    private const FAILED = 2;

    private int $state = self::PENDING;
    private mixed $result = null;
    private ?\Throwable $error = null;

    /** @internal request id once sent (0 before) */
    public int $id = 0;
    /** @internal the CANCEL frame went out */
    public bool $cancelSent = false;
    /** @internal deadline timer key */
    public ?int $timer = null;
    /** @internal absolute deadline (monotonic seconds), 0 = none */
    public float $deadline = 0.0;
    /** @internal encoded request kept until it is sent (waiting for the handshake or a free slot) */
    public ?array $queued = null;

    /** @internal progress listener (WANT_PROGRESS was set) */
    public ?Closure $onProgress = null;

    /**
     * @internal created by {@see Session::call()}
     */
    public function __construct(
        private readonly Session $session,
        public readonly string $method,
    ) {
    }

    public function isDone(): bool
    {
        return $this->state !== self::PENDING;
    }

    /** Whether the call completed with a result (false while pending or after a failure). */
    public function succeeded(): bool
    {
        return $this->state === self::DONE;
    }

    /**
     * Waits for the result: suspends a handler's Fiber, or runs the event loop in plain code.
     *
     * @throws \Parley\Exception\RpcException the peer's ERROR, or a local outcome (deadline, cancel)
     * @throws \Parley\Exception\SessionException the session failed (peer gone, protocol error)
     */
    public function await(): mixed
    {
        if ($this->state === self::PENDING) {
            if (\Fiber::getCurrent() === null) {
                // Plain code: run the loop until the answer is there (the common synchronous call).
                $loop = $this->session->loop();
                if ($loop->listenerDepth > 0) {
                    throw EventLoop::waitInListener();
                }
                do {
                    if (!$loop->tick(true)) {
                        $loop->await($this);
                    }
                } while ($this->state === self::PENDING);
            } else {
                $this->session->loop()->await($this);
            }
        }
        if ($this->state === self::DONE) {
            return $this->result;
        }
        throw $this->error;
    }

    /** The failure once the call failed, else null (does not wait). */
    public function error(): ?\Throwable
    {
        return $this->error;
    }

    /**
     * Gives up on the call: it fails at once with {@see CancelledException}; the peer is sent CANCEL
     * (once), its handler sees the cancellation, and its late answer is discarded (SPEC §6.6).
     */
    public function cancel(): void
    {
        if ($this->state !== self::PENDING) {
            return;
        }
        $this->fail(new CancelledException(sprintf('call %s cancelled by the caller', $this->method)));
        $this->session->callAbandoned($this);
    }

    /** Registers (or replaces) the progress listener. Progress after completion is dropped. */
    public function onProgress(Closure $listener): self
    {
        $this->onProgress = $listener;
        return $this;
    }

    /** @internal */
    public function complete(mixed $result): void
    {
        if ($this->state !== self::PENDING) {
            return;
        }
        $this->state = self::DONE;
        $this->result = $result;
        if ($this->waiters !== []) {
            $this->wakeWaiters($this->session->loop());
        }
    }

    /** @internal */
    public function fail(\Throwable $error): void
    {
        if ($this->state !== self::PENDING) {
            return;
        }
        $this->state = self::FAILED;
        $this->error = $error;
        $this->onProgress = null;
        if ($this->waiters !== []) {
            $this->wakeWaiters($this->session->loop());
        }
    }
}
