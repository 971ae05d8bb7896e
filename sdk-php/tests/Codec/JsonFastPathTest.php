<?php

declare(strict_types=1);

namespace Parley\Tests\Codec;

use Parley\Codec\CodecException;
use Parley\Codec\JsonCodec;
use Parley\Codec\StrictJson;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameKind;
use Parley\Frame\Message;
use Parley\Internal\Call\Bodies;
use Parley\Session\SessionOptions;
use PHPUnit\Framework\TestCase;

/**
 * The shortcuts of the JSON body path keep the §10.1 outcomes: the exact number check is skipped
 * only for plain scalars, and a large value is encoded once without ever sending another value's text.
 */
final class JsonFastPathTest extends TestCase
{
    public function testOnlyPlainScalarsSkipTheNumberCheck(): void
    {
        self::assertFalse(StrictJson::mayBeInexact('12345678901234567890123'));
        self::assertFalse(StrictJson::mayBeInexact(PHP_INT_MAX));
        self::assertFalse(StrictJson::mayBeInexact(true));
        self::assertFalse(StrictJson::mayBeInexact(null));
        self::assertTrue(StrictJson::mayBeInexact(1.5));
        self::assertTrue(StrictJson::mayBeInexact([1]));
        self::assertTrue(StrictJson::mayBeInexact(new \stdClass()));
    }

    public function testOutOfRangeNumbersAreStillRefusedAtTopLevelAndInside(): void
    {
        $codec = new JsonCodec();
        $bodies = new Bodies(new SessionOptions());
        foreach (['18446744073709551616', '1e400', '[18446744073709551616]', '{"a":[1e400]}'] as $json) {
            try {
                $codec->decode($json);
                self::fail("JsonCodec accepted $json");
            } catch (CodecException $e) {
                self::assertStringContainsString('SPEC §10.1', $e->getMessage());
            }
            try {
                $bodies->decode(self::response($json));
                self::fail("Bodies accepted $json");
            } catch (CodecException $e) {
                self::assertStringContainsString('SPEC §10.1', $e->getMessage());
            }
        }
        // digits inside a string are text, not numbers
        $text = '"' . str_repeat('1234567890', 10) . ' 1e400"';
        self::assertSame(substr($text, 1, -1), $codec->decode($text));
        self::assertSame(substr($text, 1, -1), $bodies->decode(self::response($text)));
    }

    public function testALargeValueIsEncodedOnceAndNeverAsAnotherValue(): void
    {
        $bodies = new Bodies(new SessionOptions());
        $big = str_repeat('invoice 42, ', 10_000);
        self::assertNull($bodies->smallJson($big));
        self::assertSame(json_encode($big), $bodies->encode($big)->bytes);
        // the text kept for $big must not be taken for a different value
        $other = str_repeat('customer 7 ', 10_000);
        self::assertNull($bodies->smallJson($big));
        self::assertSame(json_encode($other), $bodies->encode($other)->bytes);
        self::assertSame(json_encode($big), $bodies->encode($big)->bytes);
        self::assertSame(json_encode(['k' => $big]), $bodies->encode(['k' => $big])->bytes);
    }

    public function testAValueWithNoJsonFormIsStillRefusedAfterTheSmallPath(): void
    {
        $bodies = new Bodies(new SessionOptions());
        $value = ['f' => static fn () => 1];
        self::assertNull($bodies->smallJson($value));
        $this->expectException(CodecException::class);
        $bodies->encode($value);
    }

    private static function response(string $json): Message
    {
        return new Message(FrameKind::RESPONSE, 0, 1, FrameDescriptor::CODEC_JSON, 0, '', $json);
    }
}
