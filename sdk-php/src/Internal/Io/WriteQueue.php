<?php

declare(strict_types=1);

namespace Parley\Internal\Io;

use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameFlags;

use function array_shift;
use function array_splice;
use function count;
use function implode;
use function is_string;
use function min;
use function strlen;

/**
 * The two queue operations of {@see FrameWriter} that decide how bytes are cut, without copying a
 * large body: chunking a message into frames (SPEC §5) as headers plus windows onto the body, and
 * taking the next write unit off the queue (small frames coalesced; a large body or window alone).
 *
 * A queue entry is a string (frames, headers, a large body queued apart from its header) or a window
 * [bytes, offset, length] onto a body that is cut only as it is written.
 *
 * @internal
 */
final class WriteQueue
{
    /** Frames smaller than this are coalesced into one write. */
    public const COALESCE = 262144;

    private function __construct()
    {
    }

    /**
     * Appends a message larger than max_frame as its chunks (§5): the first carries meta and the
     * flags, the others CONTINUATION, all but the last MORE. A body is one piece; a payload of
     * pieces is cut piece by piece. Headers, then windows onto the pieces (whole pieces when they
     * fit): nothing joined or copied.
     * A frame is shorter than max_frame where a piece ends (split points are arbitrary, §5 rule 6);
     * empty pieces make no frame.
     *
     * @param list<string|array{string, int, int}> $out
     * @param list<string> $pieces
     * @return int the bytes appended
     */
    public static function pieces(
        array &$out,
        int $maxFrame,
        int $kind,
        int $flags,
        int $id,
        string $meta,
        int $codec,
        int $compression,
        array $pieces,
    ): int {
        $metaLength = strlen($meta);
        $left = self::size($pieces);
        $bytes = 0;
        $first = true;
        foreach ($pieces as $piece) {
            $pieceLength = strlen($piece);
            $offset = 0;
            while ($offset < $pieceLength) {
                $length = min($first ? $maxFrame - $metaLength : $maxFrame, $pieceLength - $offset);
                $left -= $length;
                $chunkFlags = $first
                    ? $flags
                    : ($flags & ~FrameFlags::WANT_PROGRESS) | FrameFlags::CONTINUATION;
                if ($left > 0) {
                    $chunkFlags |= FrameFlags::MORE;
                }
                $head = FrameEncoder::header(
                    $kind,
                    $chunkFlags,
                    $id,
                    $first ? $metaLength : 0,
                    $codec,
                    $compression,
                    $length,
                ) . ($first ? $meta : '');
                $out[] = $head;
                $out[] = $length === $pieceLength ? $piece : [$piece, $offset, $length];
                $bytes += strlen($head) + $length;
                $offset += $length;
                $first = false;
            }
        }
        return $bytes;
    }

    /** @param list<string> $pieces */
    public static function size(array $pieces): int
    {
        $size = 0;
        foreach ($pieces as $piece) {
            $size += strlen($piece);
        }
        return $size;
    }

    /**
     * Takes the next write unit off a non-empty queue: a window, one large string, or small frames
     * joined (never a large body or window: those go alone, uncopied).
     *
     * @param list<string|array{string, int, int}> $out
     * @return array{string, int, int} bytes, offset, end offset
     */
    public static function take(array &$out): array
    {
        $first = $out[0];
        if (!is_string($first)) {
            array_shift($out);
            return [$first[0], $first[1], $first[1] + $first[2]];
        }
        if (count($out) === 1 || strlen($first) >= self::COALESCE) {
            array_shift($out);
            return [$first, 0, strlen($first)];
        }
        $size = 0;
        $take = 0;
        foreach ($out as $frame) {
            if (!is_string($frame) || ($take > 0 && strlen($frame) >= self::COALESCE)) {
                break;
            }
            $size += strlen($frame);
            $take++;
            if ($size >= self::COALESCE) {
                break;
            }
        }
        if ($take === count($out)) {
            $joined = implode('', $out);
            $out = [];
        } else {
            $joined = implode('', array_splice($out, 0, $take));
        }
        return [$joined, 0, strlen($joined)];
    }
}
