<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The error of one call. Throw it from a handler to answer the request with ERROR carrying this
 * code, message and data (SPEC §7.1); any other exception is answered with INTERNAL_ERROR.
 *
 * A call fails with a subclass: {@see RemoteException} for an ERROR the peer sent, or one of the
 * typed local outcomes ({@see CancelledException}, {@see DeadlineExceededException}, ...).
 */
class RpcException extends ParleyException
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
