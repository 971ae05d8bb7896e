<?php

declare(strict_types=1);

namespace Parley\Session;

/**
 * SPEC §8.1.
 */
enum SessionState
{
    /** Waiting for the HELLO exchange; calls made now are sent once it completes. */
    case Connecting;
    case Open;
    /** GOODBYE sent or received: in-flight work finishes, new calls fail with SHUTTING_DOWN. */
    case Draining;
    case Closed;
}
