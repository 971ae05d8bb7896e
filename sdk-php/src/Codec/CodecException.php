<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Exception\ErrorCode;
use Parley\Exception\ParleyException;

/**
 * A body could not be encoded, decoded or decompressed: PARSE_ERROR (-32700) for bytes that are not
 * valid for their codec, UNSUPPORTED_ENCODING (-33008) for a codec or compression this side did
 * not offer (SPEC §10). The call or message concerned fails; the session goes on.
 */
final class CodecException extends ParleyException
{
    public function __construct(
        string $message,
        ?\Throwable $previous = null,
        ErrorCode $code = ErrorCode::ParseError,
    ) {
        parent::__construct($message, $code->value, null, $previous);
    }
}
