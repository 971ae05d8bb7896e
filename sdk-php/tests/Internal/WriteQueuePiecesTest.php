<?php

declare(strict_types=1);

namespace Parley\Tests\Internal;

use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameFlags;
use Parley\Frame\FrameKind;
use Parley\Internal\Io\WriteQueue;
use PHPUnit\Framework\TestCase;

/** A body of pieces is queued as frames cut from one piece each (SPEC §5): windows or whole pieces, unjoined. */
final class WriteQueuePiecesTest extends TestCase
{
    public function testEachFrameIsCutFromOnePiece(): void
    {
        $pieces = [random_bytes(40000), '', random_bytes(16384), random_bytes(5)];
        $out = [];
        $meta = "\0\0\0\0m";
        $want = FrameFlags::WANT_PROGRESS;
        $bytes = WriteQueue::pieces($out, 16384, FrameKind::REQUEST, $want, 4, $meta, 0, 0, $pieces);
        // headers alternate with bodies; a body is a window onto a piece, or the whole piece
        $bodies = [];
        for ($i = 1; $i < count($out); $i += 2) {
            $entry = $out[$i];
            if (is_array($entry)) {
                self::assertContains($entry[0], $pieces);
                $bodies[] = $entry[2];
            } else {
                self::assertContains($entry, $pieces, 'a whole piece, as given');
                $bodies[] = strlen($entry);
            }
        }
        // the first frame has room for max_frame less the 5 meta bytes; the 16 KiB piece fits a frame whole
        self::assertSame([16379, 16384, 7237, 16384, 5], $bodies);
        $wire = '';
        foreach ($out as $entry) {
            $wire .= is_array($entry) ? substr($entry[0], $entry[1], $entry[2]) : $entry;
        }
        self::assertSame(strlen($wire), $bytes);
        $decoder = new FrameDecoder(16384);
        $decoder->feed($wire);
        $flags = [];
        $body = '';
        while (($frame = $decoder->next()) !== null) {
            $flags[] = $frame->flags;
            $body .= $frame->body;
            self::assertSame(FrameDescriptor::CODEC_RAW, $frame->codec);
        }
        $more = FrameFlags::MORE;
        $cont = FrameFlags::CONTINUATION;
        $middle = $cont | $more;
        self::assertSame([FrameFlags::WANT_PROGRESS | $more, $middle, $middle, $middle, $cont], $flags);
        self::assertSame(implode('', $pieces), $body);
    }
}
