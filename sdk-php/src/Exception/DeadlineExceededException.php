<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The call's deadline passed (DEADLINE_EXCEEDED, -33002), on this side or on the peer's.
 */
final class DeadlineExceededException extends ParleyException
{
    public function __construct(
        string $message,
        mixed $data = null,
        private readonly bool $remote = false,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, ErrorCode::DeadlineExceeded->value, $data, $previous);
    }

    /** True when the peer sent this outcome as an ERROR frame; false when it was decided locally. */
    public function isRemote(): bool
    {
        return $this->remote;
    }
}
