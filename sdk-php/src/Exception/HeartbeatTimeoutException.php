<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * Nothing arrived from the peer within the heartbeat timeout (HEARTBEAT_TIMEOUT, -33012).
 */
final class HeartbeatTimeoutException extends SessionException
{
    public function __construct(string $message)
    {
        parent::__construct($message, ErrorCode::HeartbeatTimeout->value);
    }
}
