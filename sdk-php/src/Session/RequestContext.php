<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Internal\Call\Inbound;
use Parley\Internal\Call\InboundCall;
use Parley\Loop\Deferred;

use function hrtime;
use function max;
use function min;

/**
 * What a request handler knows about its request: the deadline, whether the caller cancelled, and
 * how to report progress or call the other side.
 *
 * Cancellation is cooperative (SPEC §6.6): {@see isCancelled()} turns true, and the handler's
 * current or next wait ({@see sleep()}, awaiting a call) throws {@see CancelledException}, or
 * {@see DeadlineExceededException} when the deadline passed. A handler that returns a value anyway
 * after a CANCEL has it sent; after its deadline, the caller gets DEADLINE_EXCEEDED.
 */
final class RequestContext
{
    public readonly int $id;
    public readonly string $method;

    /** @internal made by the session for each request (private, not readonly: cheaper to build) */
    public function __construct(
        private InboundCall $call,
        private Inbound $inbound,
        private Session $session,
    ) {
        $this->id = $call->id;
        $this->method = $call->method;
    }

    /** The request's params, decoded. */
    public function params(): mixed
    {
        return $this->call->params;
    }

    /** Whether the caller asked for progress (WANT_PROGRESS); {@see progress()} is a no-op otherwise. */
    public function wantsProgress(): bool
    {
        return $this->call->wantsProgress;
    }

    /** The codec of the request body (json, raw, php): results default to it. */
    public function codec(): string
    {
        return $this->call->codec;
    }

    public function session(): Session
    {
        return $this->session;
    }

    /** Absolute deadline on this process's monotonic clock (seconds, hrtime-based), or null. */
    public function deadline(): ?float
    {
        return $this->call->deadline > 0 ? $this->call->deadline : null;
    }

    /** Seconds left before the deadline (never negative), or null without a deadline. */
    public function remaining(): ?float
    {
        return $this->call->deadline > 0 ? max(0.0, $this->call->deadline - hrtime(true) / 1e9) : null;
    }

    public function isCancelled(): bool
    {
        return $this->call->cancelReason !== 0;
    }

    public function isDeadlineExceeded(): bool
    {
        return $this->call->isDeadlineExceeded();
    }

    /** Throws when the request was cancelled or its deadline passed. For long computations. */
    public function throwIfCancelled(): void
    {
        $this->call->throwIfCancelled();
    }

    /**
     * Sends a PROGRESS value (SPEC §6.3); dropped when the caller did not ask for progress or the
     * request is already answered. Recommended shape: ['progress' => $i, 'total' => $n].
     *
     * @throws \Parley\Exception\MessageTooLargeException the value, encoded, is over the caller's
     *         max_message (SPEC §3.2); nothing was sent and the request goes on
     */
    public function progress(mixed $value): void
    {
        if ($this->call->wantsProgress && !$this->call->answered) {
            $this->inbound->sendProgress($this->call, $value);
        }
    }

    /** Waits without blocking other requests; throws on cancellation or deadline. */
    public function sleep(float $seconds): void
    {
        $this->call->throwIfCancelled();
        $remaining = $this->remaining();
        if ($remaining !== null && $remaining < $seconds) {
            $this->call->loop->sleep($remaining);
            $this->call->throwIfCancelled();
        }
        $this->call->loop->sleep($seconds);
    }

    /**
     * Waits until the request is cancelled (true) or $timeout seconds pass (false).
     */
    public function awaitCancellation(?float $timeout = null): bool
    {
        $call = $this->call;
        if ($call->cancelReason !== 0) {
            return true;
        }
        $call->cancellation ??= new Deferred($call->loop);
        $timer = $timeout === null ? null : $call->loop->delay(
            $timeout,
            static fn () => $call->cancellation?->resolve(false),
        );
        try {
            return (bool) $call->cancellation->await();
        } catch (CancelledException | DeadlineExceededException) {
            return true;
        } finally {
            if ($timer !== null) {
                $call->loop->cancel($timer);
            }
            if ($call->cancelReason === 0) {
                $call->cancellation = null;
            }
        }
    }

    /** Runs $listener when the request is cancelled (at once if it already is). */
    public function onCancel(Closure $listener): void
    {
        $this->call->onCancel($listener);
    }

    /**
     * Calls the other side from this handler; the call inherits what is left of this request's
     * deadline (or $timeout when shorter).
     */
    public function call(
        string $method,
        mixed $params = null,
        ?float $timeout = null,
        ?Closure $onProgress = null,
        ?string $codec = null,
        ?string $compression = null,
    ): Call {
        $remaining = $this->remaining();
        if ($remaining !== null) {
            $timeout = $timeout === null ? $remaining : min($timeout, $remaining);
            if ($timeout <= 0) {
                $timeout = 1e-9;
            }
        }
        return $this->session->call($method, $params, $timeout, $onProgress, $codec, $compression);
    }

    public function notify(string $method, mixed $params = null, ?string $codec = null): void
    {
        $this->session->notify($method, $params, $codec);
    }
}
