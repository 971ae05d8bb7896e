<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * A message was refused on this side for a size limit before anything was sent (MESSAGE_TOO_LARGE,
 * -33004): a call's params, a notification or a handler's result is larger, encoded, than the
 * peer's max_message (SPEC §3.2). The session goes on; send less, or raise the peer's limit.
 */
final class MessageTooLargeException extends ParleyException
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, ErrorCode::MessageTooLarge->value, null, $previous);
    }
}
