<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * Too many requests in flight (OVERLOADED, -33005): the peer's max_in_flight was reached. Retry
 * later or raise the limit.
 */
final class OverloadedException extends ParleyException
{
    public function __construct(
        string $message,
        mixed $data = null,
        private readonly bool $remote = false,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, ErrorCode::Overloaded->value, $data, $previous);
    }

    /** True when the peer sent this outcome as an ERROR frame; false when it was decided locally. */
    public function isRemote(): bool
    {
        return $this->remote;
    }
}
