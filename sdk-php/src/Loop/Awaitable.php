<?php

declare(strict_types=1);

namespace Parley\Loop;

use Fiber;

/**
 * Something that completes later: a call, a timer. {@see await()} suspends the current handler's
 * Fiber, or, in plain code, runs the event loop until the result is there.
 */
interface Awaitable
{
    public function isDone(): bool;

    /** The result; throws the failure. */
    public function await(): mixed;

    /** @internal the loop registers a Fiber to resume on completion */
    public function addWaiter(Fiber $fiber): void;

    /** @internal */
    public function removeWaiter(Fiber $fiber): void;
}
