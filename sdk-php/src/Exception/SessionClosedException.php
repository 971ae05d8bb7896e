<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The session can no longer be used (SESSION_CLOSED, -33013, or the code of the subclass): every
 * pending call fails with the same exception (SPEC §8.6), and new calls fail at once. Open a new
 * session. Subclasses say why: {@see ShuttingDownException} (GOODBYE), {@see ProtocolException}
 * (a fatal protocol error), {@see PeerGoneException} (the peer or the transport went away).
 */
class SessionClosedException extends ParleyException
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, ErrorCode::SessionClosed->value, null, $previous);
    }
}
