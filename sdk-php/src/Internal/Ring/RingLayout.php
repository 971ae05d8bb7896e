<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

/**
 * The ring file's layout (SPEC §9.4 "File layout"): a 4096-byte file header, then ring A
 * (parent → child) and ring B (child → parent), each an Agrona buffer (capacity data bytes plus
 * the 768-byte trailer) padded to a multiple of 4096.
 */
final class RingLayout
{
    public const MAGIC = 0x524C5250; // "PRLR" little-endian
    public const VERSION_MAJOR = 2;
    public const VERSION_MINOR = 0;
    public const HEADER_SIZE = 4096;
    public const MIN_CAPACITY = 65536;
    public const MAX_CAPACITY = 512 * 1024 * 1024;
    public const DEFAULT_CAPACITY = 1024 * 1024;

    public const MAGIC_OFFSET = 0x000;
    public const VERSION_OFFSET = 0x004;
    public const HEADER_SIZE_OFFSET = 0x008;
    public const FLAGS_OFFSET = 0x00C;
    public const CAPACITY_OFFSET = 0x010;
    public const CREATOR_PID_OFFSET = 0x018;
    public const TRAILER_LENGTH_OFFSET = 0x01C;
    public const SESSION_ID_OFFSET = 0x020;
    public const RING_A_OFFSET_OFFSET = 0x028;
    public const RING_B_OFFSET_OFFSET = 0x030;
    public const FILE_SIZE_OFFSET = 0x038;

    public const A_CONSUMER_SLEEP = 0x080;
    public const A_PRODUCER_WAIT = 0x100;
    public const A_PRODUCER_STATE = 0x180;
    public const A_CONSUMER_STATE = 0x200;
    public const B_CONSUMER_SLEEP = 0x280;
    public const B_PRODUCER_WAIT = 0x300;
    public const B_PRODUCER_STATE = 0x380;
    public const B_CONSUMER_STATE = 0x400;

    public const STATE_OPEN = 0;
    public const STATE_CLOSED = 1;
    public const STATE_ABORTED = 2;

    /** Bytes one ring takes in the file: capacity + trailer, rounded up to 4096. */
    public static function ringSpan(int $capacity): int
    {
        return ($capacity + OneToOneRing::TRAILER_LENGTH + 4095) & ~4095;
    }

    public static function ringAOffset(): int
    {
        return self::HEADER_SIZE;
    }

    public static function ringBOffset(int $capacity): int
    {
        return self::HEADER_SIZE + self::ringSpan($capacity);
    }

    public static function fileSize(int $capacity): int
    {
        return self::HEADER_SIZE + 2 * self::ringSpan($capacity);
    }

    public static function isValidCapacity(int $capacity): bool
    {
        return $capacity >= self::MIN_CAPACITY && $capacity <= self::MAX_CAPACITY
            && ($capacity & ($capacity - 1)) === 0;
    }
}
