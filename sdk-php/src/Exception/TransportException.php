<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * A transport could not be set up (connect, listen, spawn) or failed outside a session.
 */
final class TransportException extends ParleyException
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, ErrorCode::PeerGone->value, null, $previous);
    }
}
