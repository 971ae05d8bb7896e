<?php

declare(strict_types=1);

namespace Parley\Loop;

use Fiber;

/**
 * The Fibers suspended on an {@see Awaitable}; woken through the loop's queue on completion.
 */
trait WaiterList
{
    /** @var array<int, Fiber> */
    private array $waiters = [];

    public function addWaiter(Fiber $fiber): void
    {
        $this->waiters[spl_object_id($fiber)] = $fiber;
    }

    public function removeWaiter(Fiber $fiber): void
    {
        unset($this->waiters[spl_object_id($fiber)]);
    }

    private function wakeWaiters(EventLoop $loop): void
    {
        foreach ($this->waiters as $fiber) {
            $loop->resumeLater($fiber);
        }
        $this->waiters = [];
    }
}
