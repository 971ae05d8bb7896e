<?php

declare(strict_types=1);

namespace Parley\Frame;

use Parley\Exception\ErrorCode;
use Parley\Exception\ParleyException;

/**
 * A frame broke a rule whose outcome is not fatal (SPEC §4.1, §4.2): a malformed REQUEST method is
 * answered with INVALID_REQUEST for its id, a malformed NOTIFICATION method is reported and dropped.
 * The session goes on. Raised by the frame layer and handled by the session: it never reaches
 * the application.
 */
final class MessageRejectedException extends ParleyException
{
    public function __construct(
        public readonly int $kind,
        public readonly int $id,
        ErrorCode $code,
        string $message,
    ) {
        parent::__construct($message, $code->value);
    }
}
