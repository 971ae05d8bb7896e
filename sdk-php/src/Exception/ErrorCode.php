<?php

declare(strict_types=1);

namespace Parley\Exception;

use function in_array;

/**
 * The error codes of SPEC §7.2. Applications may use any other integer for their own errors.
 */
enum ErrorCode: int
{
    case ParseError = -32700;
    case InvalidRequest = -32600;
    case MethodNotFound = -32601;
    case InvalidParams = -32602;
    case InternalError = -32603;
    case ProtocolError = -33000;
    case Cancelled = -33001;
    case DeadlineExceeded = -33002;
    case FrameTooLarge = -33003;
    case MessageTooLarge = -33004;
    case Overloaded = -33005;
    case ShuttingDown = -33006;
    case UnsupportedVersion = -33007;
    case UnsupportedEncoding = -33008;
    case AuthFailed = -33009;
    case HandshakeFailed = -33010;
    case PeerGone = -33011;
    case HeartbeatTimeout = -33012;
    case SessionClosed = -33013;

    /** Whether detecting (or receiving) this error closes the session (§7.3). */
    public function closesSession(): bool
    {
        return match ($this) {
            self::ProtocolError, self::FrameTooLarge, self::MessageTooLarge, self::UnsupportedVersion,
            self::AuthFailed, self::HandshakeFailed, self::PeerGone, self::HeartbeatTimeout,
            self::SessionClosed => true,
            default => false,
        };
    }

    /** Whether the code may appear in an ERROR frame (the last three are local only). */
    public function isSentOnWire(): bool
    {
        return !in_array($this, [self::PeerGone, self::HeartbeatTimeout, self::SessionClosed], true);
    }

    /** The spec's name, e.g. FRAME_TOO_LARGE. */
    public function specName(): string
    {
        return strtoupper((string) preg_replace('/(?<!^)[A-Z]/', '_$0', $this->name));
    }

    public static function fromSpecName(string $name): ?self
    {
        foreach (self::cases() as $case) {
            if ($case->specName() === $name) {
                return $case;
            }
        }
        return null;
    }
}
