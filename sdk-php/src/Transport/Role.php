<?php

declare(strict_types=1);

namespace Parley\Transport;

/**
 * Who speaks first in the handshake (SPEC §1, §8.2). After it, both roles are equal.
 */
enum Role
{
    /** Connects, or launched the child: sends HELLO first. */
    case Initiator;
    /** Accepted the connection, or is the child: answers the HELLO. */
    case Acceptor;
}
