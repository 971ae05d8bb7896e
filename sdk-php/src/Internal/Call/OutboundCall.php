<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Closure;
use Fiber;
use Parley\Exception\CancelledException;
use Parley\Internal\Io\Encoded;
use Parley\Loop\Awaitable;
use Parley\Loop\EventLoop;
use Parley\Loop\WaiterList;

use function sprintf;

/**
 * The state of one outgoing request (SPEC §6): the producer side of the public
 * {@see \Parley\Session\Call}. {@see Outbound} completes or fails it; the Call only reads and waits.
 *
 * @internal
 */
final class OutboundCall implements Awaitable
{
    use WaiterList;

    private const PENDING = 0;
    private const DONE = 1;
    private const FAILED = 2;

    private int $state = self::PENDING;
    private mixed $result = null;
    private ?\Throwable $error = null;

    /** Request id once sent (0 before). */
    public int $id = 0;
    /** The CANCEL frame went out. */
    public bool $cancelSent = false;
    /** Deadline timer key. */
    public ?int $timer = null;
    /** Absolute deadline (monotonic seconds), 0 = none. */
    public float $deadline = 0.0;
    /** Progress listener (WANT_PROGRESS was set). */
    public ?Closure $onProgress = null;
    /** Header flags of the REQUEST. */
    public int $flags = 0;
    /** Waiting in {@see Outbound}'s queue (for the handshake or a free slot under max_in_flight). */
    public bool $queued = false;
    /** Queued for a slot: the encoded params. Queued before the handshake: null (see $params). */
    public ?Encoded $body = null;
    /** Queued before the handshake: the params, encoded once the peer's codecs are known. */
    public mixed $params = null;
    public ?string $codecName = null;
    public ?string $compressionName = null;
    /** @var list<Closure(): void> completion listeners */
    private array $onComplete = [];

    /** The properties are not `readonly` on purpose: one is made per call (cheaper to build). */
    public function __construct(
        public string $method,
        private Outbound $owner,
        private EventLoop $loop,
    ) {
    }

    public function isDone(): bool
    {
        return $this->state !== self::PENDING;
    }

    public function succeeded(): bool
    {
        return $this->state === self::DONE;
    }

    public function error(): ?\Throwable
    {
        return $this->error;
    }

    /** Waits for the outcome: suspends the current Fiber, or runs the loop in plain code. */
    public function await(): mixed
    {
        if ($this->state === self::PENDING) {
            if (Fiber::getCurrent() === null) {
                // Plain code: run the loop until the answer is there (the common synchronous call).
                if ($this->loop->listenerDepth > 0) {
                    throw EventLoop::waitInListener();
                }
                do {
                    if (!$this->loop->tick(true)) {
                        $this->loop->await($this);
                    }
                } while ($this->state === self::PENDING);
            } else {
                $this->loop->await($this);
            }
        }
        if ($this->state === self::DONE) {
            return $this->result;
        }
        throw $this->error;
    }

    /** Runs $listener once the call completes or fails (through the loop; at once if it is done). */
    public function onComplete(Closure $listener): void
    {
        if ($this->state !== self::PENDING) {
            $this->loop->defer($listener);
            return;
        }
        $this->onComplete[] = $listener;
    }

    private function completed(): void
    {
        if ($this->waiters !== []) {
            $this->wakeWaiters($this->loop);
        }
        if ($this->onComplete !== []) {
            foreach ($this->onComplete as $listener) {
                $this->loop->defer($listener);
            }
            $this->onComplete = [];
        }
    }

    /** The caller gives up: fails at once, CANCEL goes out once (§6.6). */
    public function cancel(): void
    {
        if ($this->state !== self::PENDING) {
            return;
        }
        $this->fail(new CancelledException(sprintf('call %s cancelled by the caller', $this->method)));
        $this->owner->abandon($this);
    }

    public function complete(mixed $result): void
    {
        if ($this->state !== self::PENDING) {
            return;
        }
        $this->state = self::DONE;
        $this->result = $result;
        if ($this->waiters !== [] || $this->onComplete !== []) {
            $this->completed();
        }
    }

    public function fail(\Throwable $error): void
    {
        if ($this->state !== self::PENDING) {
            return;
        }
        $this->state = self::FAILED;
        $this->error = $error;
        $this->onProgress = null;
        if ($this->waiters !== [] || $this->onComplete !== []) {
            $this->completed();
        }
    }
}
