<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Fiber;
use Parley\Exception\CancelledException;
use Parley\Internal\Call\OutboundCall;
use Parley\Loop\Awaitable;

/**
 * An outgoing request (SPEC §6): await its result, cancel it, follow its progress. Made by
 * {@see Session::call()}; its state is the session's, this object only reads and waits.
 *
 * ```php
 * $call = $session->call('resize', ['path' => $p], timeout: 5.0, onProgress: fn ($p) => print_r($p));
 * $result = $call->await();
 * ```
 */
final class Call implements Awaitable
{
    public readonly string $method;

    /** @internal made by the session (private, not readonly: cheaper to build) */
    public function __construct(private OutboundCall $state)
    {
        $this->method = $state->method;
    }

    public function isDone(): bool
    {
        return $this->state->isDone();
    }

    /** Whether the call completed with a result (false while pending or after a failure). */
    public function succeeded(): bool
    {
        return $this->state->succeeded();
    }

    /**
     * Waits for the result: suspends a handler's Fiber, or runs the event loop in plain code.
     *
     * @throws \Parley\Exception\RemoteException the peer's ERROR
     * @throws \Parley\Exception\ParleyException a local outcome (deadline, cancel, size limit)
     * @throws \Parley\Exception\SessionClosedException the session closed or failed (peer gone, protocol error)
     */
    public function await(): mixed
    {
        return $this->state->await();
    }

    /** The failure once the call failed, else null (does not wait). */
    public function error(): ?\Throwable
    {
        return $this->state->error();
    }

    /**
     * Gives up on the call: it fails at once with {@see CancelledException}; the peer is sent CANCEL
     * (once), its handler sees the cancellation, and its late answer is discarded (SPEC §6.6).
     */
    public function cancel(): void
    {
        $this->state->cancel();
    }

    /** Registers (or replaces) the progress listener. Progress after completion is dropped. */
    public function onProgress(Closure $listener): self
    {
        if (!$this->state->isDone()) {
            $this->state->onProgress = $listener;
        }
        return $this;
    }

    /**
     * Calls $listener($this) once the call has completed or failed, from the event loop (at the
     * next loop iteration when it is already done): a host event loop needs no polling.
     *
     * @param Closure(Call): void $listener
     */
    public function onComplete(Closure $listener): self
    {
        $this->state->onComplete(fn () => $listener($this));
        return $this;
    }

    /**
     * Calls $onResult with the result, or $onError with the failure, once the call is done.
     *
     * @param Closure(mixed): void $onResult
     * @param Closure(\Throwable): void|null $onError
     */
    public function then(Closure $onResult, ?Closure $onError = null): self
    {
        return $this->onComplete(static function (Call $call) use ($onResult, $onError): void {
            if ($call->succeeded()) {
                $onResult($call->await());
            } elseif ($onError !== null) {
                $onError($call->error());
            }
        });
    }

    /** @internal the loop registers a Fiber to resume on completion */
    public function addWaiter(Fiber $fiber): void
    {
        $this->state->addWaiter($fiber);
    }

    /** @internal */
    public function removeWaiter(Fiber $fiber): void
    {
        $this->state->removeWaiter($fiber);
    }
}
