<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Closure;
use Fiber;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ParleyException;
use Parley\Internal\Log;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;

use function hrtime;
use function sprintf;

/**
 * The state of one incoming request while its handler runs (SPEC §6): the Fiber, the deadline,
 * cancellation. The handler sees it through the public {@see \Parley\Session\RequestContext}.
 *
 * @internal
 */
final class InboundCall
{
    public const CANCELLED = 1;
    public const DEADLINE = 2;

    /** The Fiber running the handler, while it runs. */
    public ?Fiber $fiber = null;
    /** Deadline timer key. */
    public ?int $timer = null;
    /** The terminal frame was sent. */
    public bool $answered = false;
    /** No deadline, no progress, JSON: the answer can take the fast path. */
    public bool $plain = true;
    public float $deadline = 0.0;
    public bool $wantsProgress = false;
    public string $codec = 'json';
    public int $cancelReason = 0;
    private bool $delivered = false;
    /** @var list<Closure(): void> */
    private array $cancelListeners = [];
    public ?Deferred $cancellation = null;

    /** The properties are not `readonly` on purpose: one is made per request (cheaper to build). */
    public function __construct(
        public int $id,
        public string $method,
        public mixed $params,
        public Closure $handler,
        public EventLoop $loop,
        private Log $log,
    ) {
    }

    public function isDeadlineExceeded(): bool
    {
        return $this->cancelReason === self::DEADLINE
            || ($this->deadline > 0 && hrtime(true) / 1e9 >= $this->deadline);
    }

    /** Throws when the request was cancelled or its deadline passed. */
    public function throwIfCancelled(): void
    {
        if ($this->cancelReason === 0 && $this->deadline > 0 && hrtime(true) / 1e9 >= $this->deadline) {
            $this->cancel(self::DEADLINE);
        }
        if ($this->cancelReason !== 0) {
            throw $this->cancellationException();
        }
    }

    public function onCancel(Closure $listener): void
    {
        if ($this->cancelReason !== 0) {
            $listener();
            return;
        }
        $this->cancelListeners[] = $listener;
    }

    /** The caller cancelled (CANCEL), the deadline passed, or the session ended. */
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
                $this->log->log(
                    'error',
                    sprintf('a cancel listener of %s failed: %s', $this->method, $e->getMessage()),
                );
            }
        }
        // Interrupt the handler where it waits; queued first so that it wins over other wake-ups.
        $this->loop->defer(function (): void {
            if ($this->fiber !== null && !$this->delivered && $this->fiber->isSuspended()) {
                $this->delivered = true;
                $this->fiber->throw($this->cancellationException());
            }
        });
        $this->cancellation?->resolve(true);
    }

    public function cancellationException(): ParleyException
    {
        if ($this->cancelReason === self::DEADLINE) {
            return new DeadlineExceededException(sprintf('the deadline of request %s passed', $this->method));
        }
        return new CancelledException(sprintf('request %s was cancelled by the caller', $this->method));
    }
}
