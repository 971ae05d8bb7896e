<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The call was cancelled (CANCELLED, -33001): locally by the caller, or the handler stopped
 * because the caller cancelled it.
 */
final class CancelledException extends ParleyException
{
    public function __construct(
        string $message,
        mixed $data = null,
        private readonly bool $remote = false,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, ErrorCode::Cancelled->value, $data, $previous);
    }

    /** True when the peer sent this outcome as an ERROR frame; false when it was decided locally. */
    public function isRemote(): bool
    {
        return $this->remote;
    }
}
