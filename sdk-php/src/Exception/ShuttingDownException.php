<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The session is draining after GOODBYE (SHUTTING_DOWN, -33006); the request was not processed
 * and may be retried elsewhere.
 */
final class ShuttingDownException extends RpcException
{
    public function __construct(
        string $message,
        mixed $data = null,
        private readonly bool $remote = false,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, ErrorCode::ShuttingDown->value, $data, $previous);
    }

    /** True when the peer sent this outcome as an ERROR frame; false when it was decided locally. */
    public function isRemote(): bool
    {
        return $this->remote;
    }
}
