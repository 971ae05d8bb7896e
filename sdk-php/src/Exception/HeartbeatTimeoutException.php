<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * Nothing arrived from the peer within the heartbeat timeout (HEARTBEAT_TIMEOUT, -33012, SPEC
 * §8.4): the peer is taken as gone.
 */
final class HeartbeatTimeoutException extends PeerGoneException
{
    public function __construct(string $message)
    {
        parent::__construct($message, code: ErrorCode::HeartbeatTimeout);
    }
}
