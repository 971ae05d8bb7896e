<?php

declare(strict_types=1);

namespace Parley\Frame;

use function sprintf;
use function strtoupper;

/**
 * Message kinds of SPEC §4: the int constants are the one source (the hot paths compare ints),
 * the cases name them. Frames of other kinds are skipped (§4, §12), so {@see Frame::$kind} stays
 * an int; use {@see FrameKind::tryFrom()} or {@see describe()} to name it.
 */
enum FrameKind: int
{
    public const HELLO = 0x01;
    public const REQUEST = 0x02;
    public const RESPONSE = 0x03;
    public const ERROR = 0x04;
    public const NOTIFICATION = 0x05;
    public const PROGRESS = 0x06;
    public const CANCEL = 0x07;
    public const PING = 0x08;
    public const PONG = 0x09;
    public const GOODBYE = 0x0A;

    case Hello = self::HELLO;
    case Request = self::REQUEST;
    case Response = self::RESPONSE;
    case Error = self::ERROR;
    case Notification = self::NOTIFICATION;
    case Progress = self::PROGRESS;
    case Cancel = self::CANCEL;
    case Ping = self::PING;
    case Pong = self::PONG;
    case Goodbye = self::GOODBYE;

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
