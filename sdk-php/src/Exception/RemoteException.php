<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The error of one call as an ERROR frame carries it (SPEC §7.1): code (application or §7.2),
 * message and data. A call fails with it when the peer answered with ERROR; a handler throws it
 * to answer its request with exactly this code, message and data (any other exception is
 * answered with INTERNAL_ERROR). Rethrowing a caught one passes the peer's error on unchanged.
 *
 * The §7.2 outcomes that have a meaning of their own arrive as their own classes instead
 * ({@see CancelledException}, {@see DeadlineExceededException}, {@see OverloadedException},
 * {@see ShuttingDownException}).
 */
class RemoteException extends ParleyException
{
    public static function invalidParams(string $message, mixed $data = null): self
    {
        return new self($message, ErrorCode::InvalidParams->value, $data);
    }

    public static function internal(string $message, mixed $data = null): self
    {
        return new self($message, ErrorCode::InternalError->value, $data);
    }
}
