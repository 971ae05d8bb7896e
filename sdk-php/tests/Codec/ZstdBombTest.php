<?php

declare(strict_types=1);

namespace Parley\Tests\Codec;

use Parley\Codec\CodecException;
use Parley\Codec\ZstdCompression;
use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use PHPUnit\Framework\TestCase;

/**
 * Zstd bombs and declared-size lies (issue 12, SPEC §10.2, §13), with hand-built frames (RFC 8878:
 * a header and RLE blocks, so a few bytes stand for megabytes): decompression never holds more than
 * max_message plus one slice, and a window beyond max_message is refused before decoding.
 */
final class ZstdBombTest extends TestCase
{
    private const MAX = 5 * 1048576 + 1;
    private const SLACK = 1048576;

    private ZstdCompression $zstd;

    protected function setUp(): void
    {
        $zstd = ZstdCompression::available();
        if ($zstd === null) {
            self::markTestSkipped('zstd is not available here: ' . ZstdCompression::whyUnavailable());
        }
        $this->zstd = $zstd;
    }

    /**
     * A frame without a content size: $blocks RLE blocks of $blockSize zero bytes.
     *
     * @param int $windowExponent Window_Size = 2^(10 + exponent)
     */
    private static function rleFrame(int $windowExponent, int $blocks, int $blockSize): string
    {
        $frame = "\x28\xB5\x2F\xFD" . "\x00" . chr($windowExponent << 3);
        for ($i = 0; $i < $blocks; $i++) {
            $last = $i === $blocks - 1 ? 1 : 0;
            $header = $last | (1 << 1) | ($blockSize << 3); // type 1: RLE
            $frame .= substr(pack('V', $header), 0, 3) . "\x00";
        }
        return $frame;
    }

    public function testABombWithoutDeclaredSizeStopsAtMaxMessageWithinItsAllocation(): void
    {
        $bomb = self::rleFrame(7, 512, 131072); // 64 MiB of zeros in about 2 KiB, a 128 KiB window
        self::assertNull(ZstdCompression::declaredContentSize($bomb));
        self::assertLessThan(4096, strlen($bomb));
        $before = memory_get_usage();
        memory_reset_peak_usage();
        try {
            $this->zstd->decompress($bomb, self::MAX);
            self::fail('a 64 MiB bomb was decompressed past max_message');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
        }
        self::assertLessThanOrEqual(self::MAX + self::SLACK, memory_get_peak_usage() - $before);
    }

    public function testTheSameBlocksUpToMaxMessageArriveIntact(): void
    {
        $body = self::rleFrame(7, 32, 131072); // 4 MiB
        self::assertSame(str_repeat("\0", 4 * 1048576), $this->zstd->decompress($body, self::MAX));
    }

    public function testAWindowBeyondMaxMessageWithoutDeclaredSizeIsRefusedBeforeDecoding(): void
    {
        // 100 bytes of content behind a 128 MiB window: the decoder would allocate the whole window.
        $wide = self::rleFrame(17, 1, 100);
        self::assertSame(128 * 1048576, ZstdCompression::windowSize($wide));
        try {
            $this->zstd->decompress($wide, 65536);
            self::fail('a 128 MiB window was accepted under a 64 KiB max_message');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
            self::assertStringContainsString('window', $e->getMessage());
        }
        // A receiver whose max_message holds the window decodes it.
        self::assertSame(str_repeat("\0", 100), $this->zstd->decompress(self::rleFrame(10, 1, 100), 2 * 1048576));
    }

    public function testADeclaredSizeThatLiesIsRefused(): void
    {
        // single segment, declares 10 bytes, holds a 1000-byte RLE block
        $lie = "\x28\xB5\x2F\xFD" . "\x20" . "\x0A" . substr(pack('V', 1 | (1 << 1) | (1000 << 3)), 0, 3) . 'x';
        self::assertSame(10, ZstdCompression::declaredContentSize($lie));
        $this->expectException(CodecException::class);
        $this->zstd->decompress($lie, self::MAX);
    }

    public function testWindowLogFollowsMaxMessage(): void
    {
        self::assertSame(10, ZstdCompression::windowLogFor(1));
        self::assertSame(16, ZstdCompression::windowLogFor(65536));
        self::assertSame(17, ZstdCompression::windowLogFor(65537));
        self::assertSame(27, ZstdCompression::windowLogFor(1 << 40));
    }
}
