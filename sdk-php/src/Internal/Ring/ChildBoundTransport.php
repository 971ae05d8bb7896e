<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use Parley\Exception\PeerGoneException;
use Parley\Internal\Io\ForwardingTransport;
use Parley\Transport\Transport;

/**
 * The ring's socket used as a plain stream after the child declined the ring (SPEC §9.4
 * "Declining"), bound to the child process: closing it runs the child's exit sequence (§9.1), and
 * a dead peer is reported with the child's exit status and stderr tail.
 */
final class ChildBoundTransport extends ForwardingTransport
{
    public function __construct(Transport $inner, private readonly RingChild $child)
    {
        parent::__construct($inner);
    }

    public function close(): void
    {
        $this->inner->close();
        $this->child->close();
    }

    public function isFinished(): bool
    {
        return $this->inner->isFinished() && $this->child->isFinished();
    }

    public function peerGone(string $reason): PeerGoneException
    {
        return $this->child->peerGone($reason);
    }
}
