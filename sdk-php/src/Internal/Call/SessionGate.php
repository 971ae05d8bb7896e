<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Parley\Exception\SessionClosedException;
use Parley\Session\SessionState;

/**
 * All the correlation tables ({@see Outbound}, {@see Inbound}) know of the session (SPEC §8): its
 * state, whether new work may start, and that a call or request ended (a GOODBYE drain waits for
 * that). The lifecycle implements it.
 *
 * @internal
 */
interface SessionGate
{
    public function state(): SessionState;

    /**
     * Why new work cannot start now, or null when it can.
     *
     * @param string $action what was attempted, for the message ("call add", "notify tick")
     * @return SessionClosedException|null SessionClosedException (closed, with the close reason as
     *         its cause) or ShuttingDownException (GOODBYE sent or received)
     */
    public function refusal(string $action): ?SessionClosedException;

    /** Whether this side sent GOODBYE: new requests from the peer are refused (§8.5). */
    public function goodbyeSent(): bool;

    /** A call or an incoming request ended: a drain may be complete (§8.5 step 4). */
    public function callEnded(): void;
}
