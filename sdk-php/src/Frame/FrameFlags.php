<?php

declare(strict_types=1);

namespace Parley\Frame;

/**
 * The flag bits of the header (SPEC §3.3). Bits not listed here are reserved: sent as 0, ignored
 * on receipt.
 */
final class FrameFlags
{
    /** More frames of this message follow (§5). */
    public const MORE = 0x0001;
    /** Not the first frame of its message (§5). */
    public const CONTINUATION = 0x0002;
    /** REQUEST only: the caller wants PROGRESS frames (§6.3). */
    public const WANT_PROGRESS = 0x0004;
    /** The two chunking bits. */
    public const CHUNK = self::MORE | self::CONTINUATION;
    /** Every defined bit. */
    public const DEFINED = self::CHUNK | self::WANT_PROGRESS;

    private function __construct()
    {
    }
}
