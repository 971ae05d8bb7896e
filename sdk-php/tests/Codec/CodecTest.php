<?php

declare(strict_types=1);

namespace Parley\Tests\Codec;

use Parley\Codec\CodecException;
use Parley\Codec\JsonCodec;
use Parley\Codec\PhpSerializeCodec;
use Parley\Codec\RawCodec;
use Parley\Codec\DeflateCompression;
use Parley\Codec\ZstdCompression;
use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use PHPUnit\Framework\TestCase;

final class CodecTest extends TestCase
{
    public function testJsonKeepsFloatsAndRejectsInvalidInput(): void
    {
        $json = new JsonCodec();
        self::assertSame(
            '{"f":1.0,"g":1.5,"i":1,"u":"é/✓"}',
            $json->encode(['f' => 1.0, 'g' => 1.5, 'i' => 1, 'u' => 'é/✓']),
        );
        self::assertSame(['f' => 1.0], $json->decode('{"f":1.0}'));
        self::assertIsFloat($json->decode('1.0'));
        self::assertSame(9007199254740991, $json->decode('9007199254740991'));
        try {
            $json->decode('{"a":');
            self::fail('no exception');
        } catch (CodecException $e) {
            self::assertSame(ErrorCode::ParseError, $e->errorCode());
        }
        $this->expectException(\InvalidArgumentException::class);
        $json->encode("\xFF invalid utf-8");
    }

    public function testJsonObjectsModeKeepsObjects(): void
    {
        $json = new JsonCodec(objectsAsArrays: false);
        self::assertSame('{"a":{},"b":[]}', $json->encode($json->decode('{"a":{},"b":[]}')));
    }

    public function testRawCarriesOnlyStrings(): void
    {
        $raw = new RawCodec();
        self::assertSame("\x00\xFF", $raw->decode($raw->encode("\x00\xFF")));
        $this->expectException(\InvalidArgumentException::class);
        $raw->encode([1]);
    }

    public function testPhpSerializeHonoursAllowedClasses(): void
    {
        $none = new PhpSerializeCodec();
        try {
            $none->decode(serialize(new \ArrayObject()));
            self::fail('a class not in allowedClasses is an error, not a __PHP_Incomplete_Class');
        } catch (CodecException $e) {
            self::assertStringContainsString('ArrayObject', $e->getMessage());
        }
        self::assertFalse($none->decode(serialize(false)));
        $some = new PhpSerializeCodec([\ArrayObject::class]);
        self::assertInstanceOf(\ArrayObject::class, $some->decode(serialize(new \ArrayObject())));
        $this->expectException(CodecException::class);
        $none->decode('a:1:{');
    }

    public function testDeflateIsZlibFormatAndBounded(): void
    {
        $deflate = new DeflateCompression();
        $data = str_repeat('parley ', 10000);
        $compressed = $deflate->compress($data);
        self::assertSame("\x78", $compressed[0], 'zlib header (RFC 1950)');
        self::assertSame($data, gzuncompress($compressed));
        self::assertSame($data, $deflate->decompress($compressed, strlen($data)));
        try {
            $deflate->decompress($compressed, strlen($data) - 1);
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
        }
        $bomb = gzcompress(str_repeat("\0", 50 * 1048576), 9);
        $before = memory_get_peak_usage();
        try {
            $deflate->decompress($bomb, 1048576);
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
        }
        self::assertLessThan(8 * 1048576, memory_get_peak_usage() - $before, 'decompression stopped near the limit');
        $this->expectException(CodecException::class);
        $deflate->decompress('not zlib at all', 1000);
    }

    public function testZstdThroughFfiWhenAvailable(): void
    {
        $zstd = ZstdCompression::available();
        if ($zstd === null) {
            self::markTestSkipped('zstd unavailable: ' . ZstdCompression::whyUnavailable());
        }
        $data = str_repeat('zstd frame ', 50000);
        $compressed = $zstd->compress($data);
        self::assertSame("\x28\xB5\x2F\xFD", substr($compressed, 0, 4), 'zstd frame magic');
        self::assertSame($data, $zstd->decompress($compressed, strlen($data)));
        try {
            $zstd->decompress($compressed, 1000);
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
        }
        try {
            $zstd->decompress(substr($compressed, 0, -3), strlen($data));
            self::fail('no exception');
        } catch (CodecException) {
        }
        $this->expectException(CodecException::class);
        $zstd->decompress('garbage!', 1000);
    }
}
