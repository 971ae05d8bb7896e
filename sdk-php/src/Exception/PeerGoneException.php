<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The transport ended or the peer process died (PEER_GONE, -33011). For a child process the
 * message includes its exit status and the last lines of its stderr (SPEC §9.1).
 */
class PeerGoneException extends SessionClosedException
{
    /**
     * @param list<string> $stderrTail
     */
    public function __construct(
        string $message,
        private readonly ?int $exitStatus = null,
        private readonly array $stderrTail = [],
        ?\Throwable $previous = null,
        ErrorCode $code = ErrorCode::PeerGone,
    ) {
        ParleyException::__construct($message, $code->value, null, $previous);
    }

    /** Exit status of the peer process, when it is a child that has exited (128 + n: signal n). */
    public function exitStatus(): ?int
    {
        return $this->exitStatus;
    }

    /** @return list<string> the last lines the child wrote to stderr */
    public function stderrTail(): array
    {
        return $this->stderrTail;
    }
}
