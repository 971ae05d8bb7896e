<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * A fatal protocol error (PROTOCOL_ERROR, FRAME_TOO_LARGE, MESSAGE_TOO_LARGE, UNSUPPORTED_VERSION,
 * AUTH_FAILED, HANDSHAKE_FAILED): detected here, or received from the peer as ERROR with id 0.
 * The session is closed (SPEC §7.3).
 */
final class ProtocolException extends SessionClosedException
{
    public function __construct(
        ErrorCode|int $code,
        string $message,
        private readonly bool $remote = false,
        mixed $data = null,
        private readonly string $stage = '',
    ) {
        ParleyException::__construct($message, $code instanceof ErrorCode ? $code->value : $code, $data);
    }

    /**
     * Where a locally detected error was found: "decode" (the frame decoder, SPEC §3.5), "frame"
     * (per-frame rules, §3.3 and §4), "message" (reassembly, §5), or "" (session level).
     */
    public function stage(): string
    {
        return $this->stage;
    }

    /** True when the peer reported the error (ERROR id 0); false when this side detected it. */
    public function isRemote(): bool
    {
        return $this->remote;
    }
}
