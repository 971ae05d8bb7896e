<?php

declare(strict_types=1);

namespace Parley\Tests\Ring;

use Parley\Internal\Ring\OneToOneRing;
use Parley\Internal\Ring\RingLayout;
use PHPUnit\Framework\TestCase;

/**
 * The ring descriptor against SPEC §9.4 (file header, Agrona's RingBufferDescriptor and
 * RecordDescriptor of org.agrona 2.6.0).
 */
final class RingLayoutTest extends TestCase
{
    public function testAgronaTrailerAndRecordDescriptor(): void
    {
        $cacheLine = 64;
        self::assertSame(2 * $cacheLine, OneToOneRing::TAIL_POSITION_OFFSET);
        self::assertSame(4 * $cacheLine, OneToOneRing::HEAD_CACHE_POSITION_OFFSET);
        self::assertSame(6 * $cacheLine, OneToOneRing::HEAD_POSITION_OFFSET);
        self::assertSame(8 * $cacheLine, OneToOneRing::CORRELATION_COUNTER_OFFSET);
        self::assertSame(10 * $cacheLine, OneToOneRing::CONSUMER_HEARTBEAT_OFFSET);
        self::assertSame(12 * $cacheLine, OneToOneRing::TRAILER_LENGTH);
        self::assertSame(8, OneToOneRing::HEADER_LENGTH);
        self::assertSame(8, OneToOneRing::ALIGNMENT);
        self::assertSame(-1, OneToOneRing::PADDING_TYPE);
        self::assertSame(1, OneToOneRing::TYPE_DATA);
        self::assertSame(2, OneToOneRing::TYPE_CLOSE);
    }

    public function testFileHeaderOffsets(): void
    {
        self::assertSame(0x524C5250, RingLayout::MAGIC);
        self::assertSame('PRLR', pack('V', RingLayout::MAGIC));
        self::assertSame(2, RingLayout::VERSION_MAJOR);
        $expected = [
            'VERSION_OFFSET' => 0x004, 'HEADER_SIZE_OFFSET' => 0x008, 'FLAGS_OFFSET' => 0x00C,
            'CAPACITY_OFFSET' => 0x010, 'CREATOR_PID_OFFSET' => 0x018, 'TRAILER_LENGTH_OFFSET' => 0x01C,
            'SESSION_ID_OFFSET' => 0x020, 'RING_A_OFFSET_OFFSET' => 0x028, 'RING_B_OFFSET_OFFSET' => 0x030,
            'FILE_SIZE_OFFSET' => 0x038, 'A_CONSUMER_SLEEP' => 0x080, 'A_PRODUCER_WAIT' => 0x100,
            'A_PRODUCER_STATE' => 0x180, 'A_CONSUMER_STATE' => 0x200, 'B_CONSUMER_SLEEP' => 0x280,
            'B_PRODUCER_WAIT' => 0x300, 'B_PRODUCER_STATE' => 0x380, 'B_CONSUMER_STATE' => 0x400,
        ];
        foreach ($expected as $name => $offset) {
            self::assertSame($offset, constant(RingLayout::class . '::' . $name), $name);
        }
    }

    public function testRingOffsetsAndFileSize(): void
    {
        $mib = 1024 * 1024;
        self::assertSame(4096, RingLayout::ringAOffset());
        self::assertSame($mib + 4096, RingLayout::ringSpan($mib));
        self::assertSame(4096 + $mib + 4096, RingLayout::ringBOffset($mib));
        self::assertSame(4096 + 2 * ($mib + 4096), RingLayout::fileSize($mib));
        self::assertSame(65536 + 4096, RingLayout::ringSpan(65536));
        self::assertTrue(RingLayout::isValidCapacity(65536));
        self::assertTrue(RingLayout::isValidCapacity(512 * $mib));
        self::assertFalse(RingLayout::isValidCapacity(32768));
        self::assertFalse(RingLayout::isValidCapacity(3 * $mib));
        self::assertFalse(RingLayout::isValidCapacity(1024 * $mib));
    }
}
