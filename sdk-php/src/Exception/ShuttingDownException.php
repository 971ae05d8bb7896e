<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The session is draining after GOODBYE (SHUTTING_DOWN, -33006): the request was not processed
 * (a new call on a closing session, or the peer answered SHUTTING_DOWN) and may be retried on
 * another session.
 */
final class ShuttingDownException extends SessionClosedException
{
    public function __construct(
        string $message,
        mixed $data = null,
        private readonly bool $remote = false,
        ?\Throwable $previous = null,
    ) {
        ParleyException::__construct($message, ErrorCode::ShuttingDown->value, $data, $previous);
    }

    /** True when the peer sent this outcome as an ERROR frame; false when it was decided locally. */
    public function isRemote(): bool
    {
        return $this->remote;
    }
}
