<?php

declare(strict_types=1);

namespace Parley\Tests\Internal;

use Parley\Internal\Durations;
use PHPUnit\Framework\TestCase;

/** The same texts as sdk-java's DurationsTest: messages never show a bare number of seconds. */
final class DurationsTest extends TestCase
{
    public function testDurationsReadAsPeopleWriteThem(): void
    {
        self::assertSame('300 ms', Durations::text(0.3));
        self::assertSame('1.5 s', Durations::text(1.5));
        self::assertSame('30 s', Durations::text(30.0));
        self::assertSame('2 min 30 s', Durations::text(150.0));
        self::assertSame('5 min', Durations::text(300.0));
        self::assertSame('1 h 1 min', Durations::text(3660.0));
        self::assertSame('1.25 ms', Durations::text(0.00125));
        self::assertSame('0.5 µs', Durations::text(0.0000005));
        self::assertSame('0 µs', Durations::text(0.0));
        self::assertSame('20 ms', Durations::text(0.02));
        self::assertSame('-2 s', Durations::text(-2.0));
    }
}
