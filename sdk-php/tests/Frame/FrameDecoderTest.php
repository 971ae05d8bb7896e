<?php

declare(strict_types=1);

namespace Parley\Tests\Frame;

use Parley\Exception\ErrorCode;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Frame\Frame;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameFlags;
use PHPUnit\Framework\TestCase;

/**
 * The stream decoder on generated streams: every split of the input, one byte at a time, stray
 * bytes, hostile lengths.
 */
final class FrameDecoderTest extends TestCase
{
    public function testAppendixExamplesEncodeByteForByte(): void
    {
        self::assertSame(
            'fa50524c0102000000000001000801000000000401db980f000013886563686f22686922',
            bin2hex(FrameEncoder::encode(2, 0, 1, FrameEncoder::requestMeta(5000, 'echo'), 1, 0, '"hi"')),
        );
        self::assertSame(
            'fa50524c010300000000000100000100000000042878985d22686922',
            bin2hex(FrameEncoder::encode(3, 0, 1, '', 1, 0, '"hi"')),
        );
        self::assertSame(
            'fa50524c01080000000000070000000000000000a95c0811',
            bin2hex(FrameEncoder::encode(8, 0, 7, '', 0, 0, '')),
        );
        self::assertSame('e3069283', bin2hex(hash('crc32c', '123456789', true)));
    }

    /** A stream with stray text, several kinds, a body holding the magic, then more stray. */
    private function stream(): string
    {
        return "Hi\n"
            . FrameEncoder::encode(
                2,
                FrameFlags::WANT_PROGRESS,
                1,
                FrameEncoder::requestMeta(0, 'echo'),
                1,
                0,
                '"x"',
            )
            . FrameEncoder::encode(3, 0, 1, '', 0, 0, FrameDescriptor::MAGIC . 'inside')
            . "\xFA\x50garbage\xFA"
            . FrameEncoder::encode(8, 0, 9, '', 0, 0, '')
            . FrameEncoder::encode(5, 0, 0, 'note', 1, 0, '{"a":1}')
            . "tail";
    }

    /**
     * @param list<string> $pieces
     * @return array{list<string>, string} frames as strings, stray bytes
     */
    private function decode(array $pieces, bool $eof = true): array
    {
        $stray = '';
        $decoder = new FrameDecoder(1048576, 1048576, static function (string $bytes) use (&$stray): void {
            $stray .= $bytes;
        });
        $frames = [];
        foreach ($pieces as $piece) {
            $decoder->feed($piece);
            while (($frame = $decoder->next()) !== null) {
                $frames[] = (string) $frame . ':' . bin2hex($frame->meta) . ':' . bin2hex($frame->body);
            }
        }
        if ($eof) {
            $decoder->finish();
        }
        return [$frames, $stray];
    }

    public function testAnySplitOfTheInputGivesTheSameFramesAndStrayBytes(): void
    {
        $input = $this->stream();
        [$frames, $stray] = $this->decode([$input]);
        self::assertCount(4, $frames);
        self::assertSame("Hi\n\xFA\x50garbage\xFAtail", $stray);
        self::assertSame([$frames, $stray], $this->decode(str_split($input)), 'one byte per read');
        for ($at = 1; $at < strlen($input); $at++) {
            self::assertSame(
                [$frames, $stray],
                $this->decode([substr($input, 0, $at), substr($input, $at)]),
                "split at $at",
            );
        }
        for ($a = 1; $a < strlen($input); $a += 7) {
            for ($b = $a + 1; $b < strlen($input); $b += 5) {
                $pieces = [substr($input, 0, $a), substr($input, $a, $b - $a), substr($input, $b)];
                self::assertSame([$frames, $stray], $this->decode($pieces), "split at $a and $b");
            }
        }
    }

    public function testManyFramesInOneReadAreDecodedByOffset(): void
    {
        $one = FrameEncoder::encode(5, 0, 0, 'n', 1, 0, '1');
        $decoder = new FrameDecoder();
        $decoder->feed(str_repeat($one, 10000));
        $count = 0;
        while (($frame = $decoder->next()) !== null) {
            self::assertSame('1', $frame->body);
            $count++;
        }
        self::assertSame(10000, $count);
        self::assertSame(0, $decoder->bufferedBytes());
    }

    public function testAHostileLengthIsRejectedBeforeThePayloadArrives(): void
    {
        $header = FrameEncoder::header(3, 0, 1, 0, 0, 0, 0xFFFFFFFF);
        $decoder = new FrameDecoder(1048576);
        $decoder->feed($header);
        $before = memory_get_usage();
        try {
            $decoder->next();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::FrameTooLarge, $e->errorCode());
            self::assertSame('decode', $e->stage());
        }
        self::assertLessThan(1048576, memory_get_usage() - $before, 'nothing was allocated for the declared length');
        $this->expectException(ProtocolException::class);
        $decoder->next();
    }

    public function testTheLimitIsTheHandshakeLimitUntilRaised(): void
    {
        $frame = FrameEncoder::encode(3, 0, 1, '', 0, 0, str_repeat('x', 70000));
        $decoder = new FrameDecoder(FrameDescriptor::HANDSHAKE_MAX_FRAME);
        $decoder->setMaxFrame(1048576);
        $decoder->feed($frame);
        self::assertSame(70000, strlen((string) $decoder->next()?->body));
        $strict = new FrameDecoder(FrameDescriptor::HANDSHAKE_MAX_FRAME);
        $strict->feed($frame);
        $this->expectException(ProtocolException::class);
        $strict->next();
    }

    public function testMemoryGrowsWithReceivedBytesNotWithTheDeclaredLength(): void
    {
        $header = FrameEncoder::header(3, 0, 1, 0, 0, 0, 16 * 1048576);
        $decoder = new FrameDecoder(16 * 1048576);
        $before = memory_get_usage();
        $decoder->feed($header . str_repeat('x', 1000));
        self::assertNull($decoder->next());
        // a 16 MiB declaration; 1 MiB of slack covers what the allocator and autoloading add
        self::assertLessThan(1048576, memory_get_usage() - $before);
    }

    public function testATruncatedFrameAtEndOfInputIsPeerGone(): void
    {
        $frame = FrameEncoder::encode(3, 0, 1, '', 0, 0, 'payload');
        $decoder = new FrameDecoder();
        $decoder->feed(substr($frame, 0, -2));
        self::assertNull($decoder->next());
        try {
            $decoder->finish();
            self::fail('no exception');
        } catch (PeerGoneException $e) {
            self::assertStringContainsString('truncated frame', $e->getMessage());
        }
    }

    public function testStrayBeyondTheLimitIsAProtocolError(): void
    {
        $reported = 0;
        $decoder = new FrameDecoder(1048576, 100, static function (string $bytes) use (&$reported): void {
            $reported += strlen($bytes);
        });
        $decoder->feed(str_repeat('.', 100));
        self::assertNull($decoder->next());
        $decoder->feed(FrameEncoder::encode(8, 0, 1, '', 0, 0, ''));
        self::assertInstanceOf(Frame::class, $decoder->next(), 'the counter resets at a verified header');
        $decoder->feed(str_repeat('.', 101));
        try {
            $decoder->next();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::ProtocolError, $e->errorCode());
            self::assertStringContainsString('stray limit exceeded', $e->getMessage());
        }
        self::assertSame(201, $reported);
    }

    public function testAHeldPartialMagicDoesNotCountAsStrayUntilItTurnsOutToBeStray(): void
    {
        // SPEC §3.6 (1.1): exactly max_stray stray bytes, then a frame whose magic is split over two reads
        $frame = FrameEncoder::encode(8, 0, 1, '', 0, 0, '');
        for ($held = 1; $held <= 3; $held++) {
            $decoder = new FrameDecoder(1048576, 10);
            $decoder->feed('0123456789' . substr($frame, 0, $held));
            self::assertNull($decoder->next());
            $decoder->feed(substr($frame, $held));
            $got = $decoder->next();
            self::assertInstanceOf(Frame::class, $got, "partial magic of $held bytes");
            self::assertSame(8, $got->kind);
        }
        // a held prefix that turns out not to be a magic counts: max_stray + 1 stray bytes are fatal
        $decoder = new FrameDecoder(1048576, 10);
        $decoder->feed('0123456789' . "\xFA");
        self::assertNull($decoder->next());
        $decoder->feed('x');
        try {
            $decoder->next();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertStringContainsString('stray limit exceeded', $e->getMessage());
        }
    }

    public function testABadChecksumIsStrayEvenWithABadVersion(): void
    {
        $frame = FrameEncoder::encode(8, 0, 1, '', 0, 0, '');
        $corrupt = $frame;
        $corrupt[4] = "\x02";
        $stray = '';
        $decoder = new FrameDecoder(1048576, 1048576, static function (string $bytes) use (&$stray): void {
            $stray .= $bytes;
        });
        $decoder->feed($corrupt . $frame);
        $decoded = $decoder->next();
        self::assertSame(8, $decoded?->kind);
        self::assertSame($corrupt, $stray);
    }
    /** A frame larger than one read arrives in many pieces: they are held apart, then joined once. */
    public function testAFrameArrivingInManyPiecesIsDecodedWholeWithTheNextFrameBehindIt(): void
    {
        $body = random_bytes(300_000);
        $big = FrameEncoder::encode(3, 0, 7, '', 0, 0, $body);
        $small = FrameEncoder::encode(3, 0, 8, '', 1, 0, '"after"');
        $stream = $big . $small;
        $decoder = new FrameDecoder(1048576);
        $fed = 0;
        $frames = [];
        foreach (str_split($stream, 65536) as $piece) {
            $decoder->feed($piece);
            $fed += strlen($piece);
            while (($frame = $decoder->next()) !== null) {
                $frames[] = $frame;
            }
            if ($fed < strlen($big)) {
                self::assertSame([], $frames);
                self::assertTrue($decoder->insideFrame());
                self::assertSame($fed, $decoder->bufferedBytes());
            }
        }
        self::assertCount(2, $frames);
        self::assertSame(7, $frames[0]->id);
        self::assertSame($body, $frames[0]->body);
        self::assertSame(8, $frames[1]->id);
        self::assertSame('"after"', $frames[1]->body);
        self::assertSame(0, $decoder->bufferedBytes());
        self::assertFalse($decoder->insideFrame());
    }

    public function testATruncatedFrameInPiecesReportsEveryByteReceived(): void
    {
        $frame = FrameEncoder::encode(3, 0, 1, '', 0, 0, str_repeat('b', 200_000));
        $decoder = new FrameDecoder(1048576);
        foreach (str_split(substr($frame, 0, 150_020), 50_000) as $piece) {
            $decoder->feed($piece);
            self::assertNull($decoder->next());
        }
        self::assertSame(150_020, $decoder->bufferedBytes());
        try {
            $decoder->finish();
            self::fail('no exception');
        } catch (PeerGoneException $e) {
            self::assertStringContainsString(
                sprintf('150020 of %d bytes received', 200_000 + FrameDescriptor::HEADER_SIZE),
                $e->getMessage(),
            );
        }
        self::assertSame(0, $decoder->bufferedBytes());
    }
}
