<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Closure;
use Parley\Session\RequestContext;

/**
 * What the internal parts need from the public session facade, and nothing more: the context a
 * request handler receives (whose `session()` is the facade), and a way to call a listener with the
 * facade in hand (SPEC §6.1, §6.7, §8). The facade implements it with a private anonymous class, so
 * no internal code names `Parley\Session\Session` and the session and its parts do not import each
 * other (tests/Architecture/LayoutTest checks this). The Java twin is `internal.call.HandlerHost`.
 *
 * @internal
 */
interface HandlerHost
{
    /** The context a request handler receives for $call. */
    public function requestContext(InboundCall $call, Inbound $inbound): RequestContext;

    /** Calls a notification listener: `$listener($params, $session)`. */
    public function deliver(Closure $listener, mixed $params): void;

    /** Calls `$receiver($session)`: close listeners, and the opened/closed futures' values. */
    public function withSession(Closure $receiver): void;
}
