<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * Base of every exception the SDK throws. The exception code is the Parley error code
 * (SPEC §7.2) or the application's own code; {@see getData()} carries the ERROR's `data`.
 */
class ParleyException extends \RuntimeException
{
    public function __construct(
        string $message,
        int $code,
        private readonly mixed $data = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $code, $previous);
    }

    /** The spec's code as an enum, or null for an application-defined code. */
    public function errorCode(): ?ErrorCode
    {
        return ErrorCode::tryFrom($this->getCode());
    }

    /** The `data` member of the ERROR object (any JSON value), or null. */
    public function getData(): mixed
    {
        return $this->data;
    }
}
