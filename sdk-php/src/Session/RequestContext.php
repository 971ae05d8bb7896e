<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Fiber;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\RpcException;
use Parley\Loop\Deferred;

use function hrtime;
use function max;
use function min;
use function sprintf;

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
    public const CANCELLED = 1;
    public const DEADLINE = 2;

    /** @internal the Fiber running the handler, while it runs */
    public ?Fiber $fiber = null;
    /** @internal deadline timer key */
    public ?int $timer = null;
    /** @internal the terminal frame was sent */
    public bool $answered = false;
    /** @internal no deadline, no progress, JSON: the answer can take the session's fast path */
    public bool $plain = true;
    private int $cancelReason = 0;
    private bool $delivered = false;
    /** @var list<Closure(): void> */
    private array $cancelListeners = [];
    private ?Deferred $cancellation = null;

    private float $deadline = 0.0;
    private bool $wantsProgress = false;
    private string $codec = 'json';

    /**
     * @internal created by the session for each request
     */
    public function __construct(
        private readonly Session $session,
        public readonly int $id,
        public readonly string $method,
        public readonly mixed $params,
        public readonly Closure $handler,
    ) {
    }

    /** @internal request details that differ from the defaults (no deadline, no progress, JSON) */
    public function configure(float $deadline, bool $wantsProgress, string $codec): void
    {
        $this->deadline = $deadline;
        $this->wantsProgress = $wantsProgress;
        $this->codec = $codec;
    }

    /** Whether the caller asked for progress (WANT_PROGRESS); {@see progress()} is a no-op otherwise. */
    public function wantsProgress(): bool
    {
        return $this->wantsProgress;
    }

    /** The codec of the request body (json, raw, php): results default to it. */
    public function codec(): string
    {
        return $this->codec;
    }

    public function session(): Session
    {
        return $this->session;
    }

    /** Absolute deadline on this process's monotonic clock (seconds, hrtime-based), or null. */
    public function deadline(): ?float
    {
        return $this->deadline > 0 ? $this->deadline : null;
    }

    /** Seconds left before the deadline (never negative), or null without a deadline. */
    public function remaining(): ?float
    {
        return $this->deadline > 0 ? max(0.0, $this->deadline - hrtime(true) / 1e9) : null;
    }

    public function isCancelled(): bool
    {
        return $this->cancelReason !== 0;
    }

    public function isDeadlineExceeded(): bool
    {
        return $this->cancelReason === self::DEADLINE
            || ($this->deadline > 0 && hrtime(true) / 1e9 >= $this->deadline);
    }

    /** Throws when the request was cancelled or its deadline passed. For long computations. */
    public function throwIfCancelled(): void
    {
        if ($this->cancelReason === 0 && $this->deadline > 0 && hrtime(true) / 1e9 >= $this->deadline) {
            $this->cancel(self::DEADLINE);
        }
        if ($this->cancelReason !== 0) {
            throw $this->cancellationException();
        }
    }

    /**
     * Sends a PROGRESS value (SPEC §6.3); dropped when the caller did not ask for progress or the
     * request is already answered. Recommended shape: ['progress' => $i, 'total' => $n].
     */
    public function progress(mixed $value): void
    {
        if ($this->wantsProgress && !$this->answered) {
            $this->session->sendProgress($this, $value);
        }
    }

    /** Waits without blocking other requests; throws on cancellation or deadline. */
    public function sleep(float $seconds): void
    {
        $this->throwIfCancelled();
        $remaining = $this->remaining();
        if ($remaining !== null && $remaining < $seconds) {
            $this->session->loop()->sleep($remaining);
            $this->throwIfCancelled();
        }
        $this->session->loop()->sleep($seconds);
    }

    /**
     * Waits until the request is cancelled (true) or $timeout seconds pass (false).
     */
    public function awaitCancellation(?float $timeout = null): bool
    {
        if ($this->cancelReason !== 0) {
            return true;
        }
        $this->cancellation ??= new Deferred($this->session->loop());
        $timer = $timeout === null ? null : $this->session->loop()->delay(
            $timeout,
            fn () => $this->cancellation?->resolve(false),
        );
        try {
            return (bool) $this->cancellation->await();
        } catch (CancelledException | DeadlineExceededException) {
            return true;
        } finally {
            if ($timer !== null) {
                $this->session->loop()->cancel($timer);
            }
            if ($this->cancelReason === 0) {
                $this->cancellation = null;
            }
        }
    }

    /** Runs $listener when the request is cancelled (at once if it already is). */
    public function onCancel(Closure $listener): void
    {
        if ($this->cancelReason !== 0) {
            $listener();
            return;
        }
        $this->cancelListeners[] = $listener;
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

    /** @internal the caller cancelled (CANCEL), the deadline passed, or the session ended */
    public function cancel(int $reason): void
    {
        if ($this->cancelReason !== 0) {
            return;
        }
        $this->cancelReason = $reason;
        $this->plain = false;
        $listeners = $this->cancelListeners;
        $this->cancelListeners = [];
        foreach ($listeners as $listener) {
            try {
                $listener();
            } catch (\Throwable $e) {
                $this->session->log(
                    'error',
                    sprintf('a cancel listener of %s failed: %s', $this->method, $e->getMessage()),
                );
            }
        }
        $loop = $this->session->loop();
        // Interrupt the handler where it waits; queued first so that it wins over other wake-ups.
        $loop->defer(function (): void {
            if ($this->fiber !== null && !$this->delivered && $this->fiber->isSuspended()) {
                $this->delivered = true;
                $this->fiber->throw($this->cancellationException());
            }
        });
        $this->cancellation?->resolve(true);
    }

    /** @internal */
    public function cancelReason(): int
    {
        return $this->cancelReason;
    }

    private function cancellationException(): RpcException
    {
        if ($this->cancelReason === self::DEADLINE) {
            return new DeadlineExceededException(sprintf('the deadline of request %s passed', $this->method));
        }
        return new CancelledException(sprintf('request %s was cancelled by the caller', $this->method));
    }
}
