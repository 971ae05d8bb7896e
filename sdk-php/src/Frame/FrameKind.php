<?php

declare(strict_types=1);

namespace Parley\Frame;

use function sprintf;

/**
 * Message kinds of SPEC §4. Frames of other kinds are skipped (§4, §12), so {@see Frame::$kind}
 * stays an int; use {@see FrameKind::tryFrom()} to name it.
 */
enum FrameKind: int
{
    case Hello = FrameLayout::KIND_HELLO;
    case Request = FrameLayout::KIND_REQUEST;
    case Response = FrameLayout::KIND_RESPONSE;
    case Error = FrameLayout::KIND_ERROR;
    case Notification = FrameLayout::KIND_NOTIFICATION;
    case Progress = FrameLayout::KIND_PROGRESS;
    case Cancel = FrameLayout::KIND_CANCEL;
    case Ping = FrameLayout::KIND_PING;
    case Pong = FrameLayout::KIND_PONG;
    case Goodbye = FrameLayout::KIND_GOODBYE;

    /** Kinds whose messages may span several frames (§5). */
    public function isChunkable(): bool
    {
        return match ($this) {
            self::Request, self::Response, self::Notification, self::Progress => true,
            default => false,
        };
    }

    public static function describe(int $kind): string
    {
        $case = self::tryFrom($kind);
        return $case === null ? sprintf('unknown kind 0x%02X', $kind) : strtoupper($case->name);
    }
}
