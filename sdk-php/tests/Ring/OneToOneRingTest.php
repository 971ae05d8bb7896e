<?php

declare(strict_types=1);

namespace Parley\Tests\Ring;

use Parley\Exception\ProtocolException;
use Parley\Internal\Ring\OneToOneRing;
use Parley\Internal\Ring\RingLayout;
use PHPUnit\Framework\TestCase;

/**
 * The ring protocol (SPEC §9.4, Agrona's OneToOneRingBuffer): records, wrap padding, the
 * producer's pre-zeroing, full rings, records written the way Agrona writes them, and a consumer
 * that rejects every kind of corruption before it copies a byte.
 */
final class OneToOneRingTest extends TestCase
{
    private const CAPACITY = 65536;

    private RingFixture $rings;

    protected function setUp(): void
    {
        $this->rings = new RingFixture(self::CAPACITY);
    }

    protected function tearDown(): void
    {
        $this->rings->close();
    }

    public function testRandomRecordsCrossTheRingManyTimesIntact(): void
    {
        $out = $this->rings->parent->out;
        $in = $this->rings->child->in;
        mt_srand(42);
        $sent = '';
        $received = '';
        for ($i = 0; $i < 3000; $i++) {
            $length = mt_rand(0, $out->maxMsgLength());
            $record = $length === 0 ? '' : random_bytes($length);
            while (!$out->offer(OneToOneRing::TYPE_DATA, $record, 0, $length)) {
                $received .= $in->poll(PHP_INT_MAX);
            }
            $sent .= $record;
            if (mt_rand(0, 2) === 0) {
                $received .= $in->poll(PHP_INT_MAX);
            }
        }
        while (($more = $in->poll(PHP_INT_MAX)) !== '' || $in->hasRecord()) {
            $received .= $more;
        }
        self::assertSame(strlen($sent), strlen($received));
        self::assertTrue($sent === $received, 'the bytes read differ from the bytes written');
        self::assertGreaterThan(50 * self::CAPACITY, $out->tail(), 'the test should wrap many times');
        self::assertSame($out->tail(), $in->head());
    }

    public function testAWrappingRecordIsPrecededByPaddingToTheEnd(): void
    {
        $out = $this->rings->parent->out;
        $in = $this->rings->child->in;
        $this->advance(self::CAPACITY - 24);
        self::assertTrue($out->offer(OneToOneRing::TYPE_DATA, str_repeat('w', 40), 0, 40));
        // Padding record at index capacity-24: length +24, type -1; the record itself at 0.
        self::assertSame(24, $this->i32(self::CAPACITY - 24));
        self::assertSame(-1, $this->i32(self::CAPACITY - 20));
        self::assertSame(48, $this->i32(0));
        self::assertSame(1, $this->i32(4));
        self::assertSame(0, $this->i32(48), 'the next header is pre-zeroed');
        self::assertSame(2 * self::CAPACITY + 48, $out->tail());
        self::assertSame('', $in->poll(PHP_INT_MAX), 'the padding batch ends at the capacity');
        self::assertSame(str_repeat('w', 40), $in->poll(PHP_INT_MAX));
        self::assertSame($out->tail(), $in->head());
    }

    public function testARecordThatExactlyFillsTheEndPreZeroesIndexZero(): void
    {
        $out = $this->rings->parent->out;
        $in = $this->rings->child->in;
        $this->advance(self::CAPACITY - 32);
        $this->setI32(0, 12345);
        self::assertTrue($out->offer(OneToOneRing::TYPE_DATA, str_repeat('e', 24), 0, 24));
        self::assertSame(0, $this->i32(0));
        self::assertSame(32, $this->i32(self::CAPACITY - 32));
        self::assertSame(str_repeat('e', 24), $in->poll(PHP_INT_MAX));
        self::assertTrue($out->offer(OneToOneRing::TYPE_DATA, 'next', 0, 4));
        self::assertSame('next', $in->poll(PHP_INT_MAX));
    }

    public function testAFullRingRefusesUntilTheConsumerReleasesHead(): void
    {
        $out = $this->rings->parent->out;
        $in = $this->rings->child->in;
        $max = $out->maxMsgLength();
        $record = str_repeat('f', $max);
        $count = 0;
        while ($out->offer(OneToOneRing::TYPE_DATA, $record, 0, $max)) {
            $count++;
            self::assertLessThan(16, $count);
        }
        self::assertSame(7, $count, '8 records of capacity/8 + header cannot all fit');
        self::assertSame(str_repeat($record, 7), $in->poll(PHP_INT_MAX));
        self::assertTrue($out->offer(OneToOneRing::TYPE_DATA, $record, 0, $max));
    }

    public function testOfferRejectsAPayloadAboveTheMaxMessageLength(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $max = $this->rings->parent->out->maxMsgLength();
        self::assertSame(self::CAPACITY / 8, $max);
        $this->rings->parent->out->offer(OneToOneRing::TYPE_DATA, str_repeat('x', $max + 1), 0, $max + 1);
    }

    public function testReadsRecordsWrittenTheWayAgronaWritesThem(): void
    {
        // An independent writer following the spec text: claim (tail), pre-zero, -length, payload,
        // type, +length; including a padding record and a CLOSE record.
        $tail = self::CAPACITY - 16;
        $this->setI64Trailer(OneToOneRing::HEAD_POSITION_OFFSET, $tail);
        $this->setI64Trailer(OneToOneRing::TAIL_POSITION_OFFSET, $tail + 16 + 16 + 8);
        $this->setI32(self::CAPACITY - 16, -16);
        $this->setI32(self::CAPACITY - 12, -1);
        $this->setI32(self::CAPACITY - 16, 16);
        $this->setI32(0, -13);
        $this->rings->parent->map->write(4096 + 8, 'hello', 0, 5);
        $this->setI32(4, 1);
        $this->setI32(0, 13);
        $this->setI32(16, 8);
        $this->setI32(20, 2);
        $in = $this->rings->child->in;
        self::assertSame('', $in->poll(PHP_INT_MAX));
        $closed = false;
        self::assertSame('hello', $in->poll(PHP_INT_MAX, $closed));
        self::assertTrue($closed);
        self::assertSame(self::CAPACITY + 24, $in->head());
    }

    public function testAnUncommittedRecordIsNotRead(): void
    {
        $this->setI64Trailer(OneToOneRing::TAIL_POSITION_OFFSET, 24);
        $this->setI32(0, -24);
        $this->setI32(4, 1);
        self::assertSame('', $this->rings->child->in->poll(PHP_INT_MAX));
        self::assertFalse($this->rings->child->in->hasRecord());
        self::assertSame(0, $this->rings->child->in->head());
    }

    /** @return iterable<string, array{\Closure(self): void, string}> */
    public static function corruptions(): iterable
    {
        yield 'length beyond the end' => [static function (self $t): void {
            $t->record(0, 9000000, 1, 64);
        }, 'record length'];
        yield 'length shorter than a header' => [static function (self $t): void {
            $t->record(0, 5, 1);
        }, 'record length'];
        yield 'unknown type' => [static function (self $t): void {
            $t->record(0, 16, 7);
        }, 'unknown record type 7'];
        yield 'padding not ending at the capacity' => [static function (self $t): void {
            $t->record(0, 16, -1);
        }, 'padding'];
        yield 'close with a payload' => [static function (self $t): void {
            $t->record(0, 16, 2);
        }, 'CLOSE'];
        yield 'payload above the max message length' => [static function (self $t): void {
            $t->record(0, self::CAPACITY / 8 + 16, 1, self::CAPACITY / 8 + 16);
        }, 'exceeds'];
        yield 'tail more than a capacity ahead' => [static function (self $t): void {
            $t->record(0, 16, 1, 2 * self::CAPACITY);
        }, 'inconsistent'];
        yield 'tail behind head' => [static function (self $t): void {
            $t->setI64Trailer(OneToOneRing::HEAD_POSITION_OFFSET, 64);
            $t->setI64Trailer(OneToOneRing::TAIL_POSITION_OFFSET, 8);
        }, 'inconsistent'];
        yield 'unaligned head' => [static function (self $t): void {
            $t->setI64Trailer(OneToOneRing::HEAD_POSITION_OFFSET, 3);
            $t->setI64Trailer(OneToOneRing::TAIL_POSITION_OFFSET, 64);
        }, 'inconsistent'];
        yield 'record beyond tail' => [static function (self $t): void {
            $t->record(0, 64, 1, 16);
        }, 'beyond tail'];
    }

    /** @dataProvider corruptions */
    public function testACorruptRingIsAProtocolError(\Closure $corrupt, string $what): void
    {
        $corrupt($this);
        try {
            $this->rings->child->in->poll(PHP_INT_MAX);
            self::fail('a corrupt ring was read');
        } catch (ProtocolException $e) {
            self::assertSame(-33000, $e->getCode());
            self::assertStringContainsString($what, $e->getMessage());
        }
    }

    /** Writes a committed record header at $index and sets tail to cover it (or to $tail). */
    public function record(int $index, int $length, int $type, ?int $tail = null): void
    {
        $this->setI64Trailer(OneToOneRing::TAIL_POSITION_OFFSET, $tail ?? $index + (($length + 7) & ~7));
        $this->setI32($index + 4, $type);
        $this->setI32($index, $length);
    }

    public function setI64Trailer(int $field, int $value): void
    {
        $this->rings->parent->map->i64[(RingLayout::ringAOffset() + self::CAPACITY + $field) >> 3] = $value;
    }

    /** Moves both positions of ring A to $position (an empty ring there). */
    private function advance(int $position): void
    {
        $this->setI64Trailer(OneToOneRing::TAIL_POSITION_OFFSET, self::CAPACITY + $position);
        $this->setI64Trailer(OneToOneRing::HEAD_CACHE_POSITION_OFFSET, self::CAPACITY + $position);
        $this->setI64Trailer(OneToOneRing::HEAD_POSITION_OFFSET, self::CAPACITY + $position);
    }

    private function i32(int $index): int
    {
        return $this->rings->parent->map->i32[(RingLayout::ringAOffset() + $index) >> 2];
    }

    private function setI32(int $index, int $value): void
    {
        $this->rings->parent->map->i32[(RingLayout::ringAOffset() + $index) >> 2] = $value;
    }
}
