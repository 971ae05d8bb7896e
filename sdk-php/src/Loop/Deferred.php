<?php

declare(strict_types=1);

namespace Parley\Loop;

/**
 * A value that arrives later: resolve or fail it once; await it from a handler or plain code.
 */
final class Deferred implements Awaitable
{
    use WaiterList;

    private bool $done = false;
    private mixed $value = null;
    private ?\Throwable $error = null;

    public function __construct(private readonly EventLoop $loop)
    {
    }

    public function resolve(mixed $value = null): void
    {
        if ($this->done) {
            return;
        }
        $this->done = true;
        $this->value = $value;
        $this->wakeWaiters($this->loop);
    }

    public function fail(\Throwable $error): void
    {
        if ($this->done) {
            return;
        }
        $this->done = true;
        $this->error = $error;
        $this->wakeWaiters($this->loop);
    }

    public function isDone(): bool
    {
        return $this->done;
    }

    public function await(): mixed
    {
        if (!$this->done) {
            $this->loop->await($this);
        }
        if ($this->error !== null) {
            throw $this->error;
        }
        return $this->value;
    }
}
