<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Exception\ErrorCode;
use Parley\Exception\RpcException;

/**
 * A body could not be decoded or decompressed (PARSE_ERROR, -32700).
 */
final class CodecException extends RpcException
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, ErrorCode::ParseError->value, null, $previous);
    }
}
