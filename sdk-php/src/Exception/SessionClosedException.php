<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * A call on a session that is closed (SESSION_CLOSED, -33013). Open a new session.
 */
final class SessionClosedException extends SessionException
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, ErrorCode::SessionClosed->value, null, $previous);
    }
}
