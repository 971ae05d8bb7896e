<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Codec\CodecException;
use Parley\Codec\PhpSerializeCodec;
use Parley\Exception\RemoteException;
use Parley\Session\SessionOptions;
use Parley\Tests\Fixtures\Dto\PriceQuote;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

/**
 * Typed DTOs between PHP peers (issue 14, point 5): a session-wide default codec, and a class
 * missing from allowedClasses reported by name on the side that decodes.
 */
final class TypedDtoTest extends TestCase
{
    private ?SessionPair $pair = null;

    protected function tearDown(): void
    {
        $this->pair?->dispose();
    }

    public function testDtosBothWaysWithTheSessionDefaultCodec(): void
    {
        $options = new SessionOptions(allowedClasses: [PriceQuote::class], defaultCodec: 'php');
        $this->pair = new SessionPair($options, $options);
        $this->pair->server->handle('reprice', static function (PriceQuote $q): PriceQuote {
            return new PriceQuote($q->sku, $q->cents * 2);
        });
        $answer = $this->pair->client->call('reprice', new PriceQuote('A1', 150))->await();
        self::assertInstanceOf(PriceQuote::class, $answer);
        self::assertSame(['A1', 300], [$answer->sku, $answer->cents]);
    }

    public function testAClassNotAllowedOnTheDecodingSideIsNamed(): void
    {
        // The server does not allow PriceQuote: its error names the class (no __PHP_Incomplete_Class
        // reaching the handler as a TypeError).
        $this->pair = new SessionPair(
            new SessionOptions(allowedClasses: [PriceQuote::class], defaultCodec: 'php'),
            new SessionOptions(),
        );
        $this->pair->server->handle('reprice', static fn (PriceQuote $q): int => $q->cents);
        try {
            $this->pair->client->call('reprice', new PriceQuote('A1', 150))->await();
            self::fail('the server cannot decode the DTO');
        } catch (RemoteException $e) {
            self::assertStringContainsString(PriceQuote::class, $e->getMessage());
            self::assertStringContainsString('allowedClasses', $e->getMessage());
        }
    }

    public function testTheCodecNamesTheMissingClassEvenWhenNested(): void
    {
        $codec = new PhpSerializeCodec([]);
        try {
            $codec->decode(serialize(['quotes' => [new PriceQuote('B2', 1)]]));
            self::fail('no exception');
        } catch (CodecException $e) {
            self::assertStringContainsString(PriceQuote::class, $e->getMessage());
        }
        self::assertSame(['plain' => [1, 'x']], $codec->decode(serialize(['plain' => [1, 'x']])));
    }

    public function testADefaultCodecMustBeEnabled(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('defaultCodec "php" is not among the enabled codecs');
        new SessionOptions(codecs: ['json'], defaultCodec: 'php');
    }
}
