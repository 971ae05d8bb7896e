<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Codec\Payload;
use Parley\Exception\MessageTooLargeException;
use Parley\Session\SessionOptions;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

/**
 * Large raw bodies as pieces (`rawPieces: true`, {@see Payload::ofPieces()}) between two sessions
 * over a Unix socket pair: frames' bodies arrive in order, go back unjoined; JSON stays contiguous.
 */
final class PiecesTest extends TestCase
{
    private ?SessionPair $pair = null;

    protected function tearDown(): void
    {
        $this->pair?->dispose();
        $this->pair = null;
    }

    private static function options(bool $rawPieces, int $maxMessage = 1 << 27): SessionOptions
    {
        return new SessionOptions(maxFrame: 16384, maxMessage: $maxMessage, compression: [], rawPieces: $rawPieces);
    }

    public function testAChunkedRawBodyArrivesAsPiecesAndGoesBackWithoutAJoin(): void
    {
        $pair = $this->pair = new SessionPair(self::options(true), self::options(true));
        /** @var list<Payload> $seen */
        $seen = [];
        $pair->server->handle('pieces', static function (Payload $p) use (&$seen): Payload {
            $seen[] = $p;
            return $p;
        });
        $sent = [random_bytes(40000), random_bytes(10), '', random_bytes(30001)];
        $whole = implode('', $sent);
        $back = $pair->client->call('pieces', Payload::ofPieces($sent))->await();
        self::assertInstanceOf(Payload::class, $back);
        self::assertTrue($back->isPieces());
        self::assertSame(strlen($whole), $back->size());
        // frames of at most 16 KiB, never two pieces in one frame: 3 + 1 + 2 at least
        self::assertGreaterThanOrEqual(6, count($back->pieces()));
        self::assertSame($whole, implode('', $back->pieces()));
        self::assertCount(1, $seen);
        self::assertTrue($seen[0]->isPieces(), 'the server answered with the pieces it received, unjoined');
        self::assertSame($whole, implode('', $seen[0]->pieces()));
        self::assertSame($whole, $back->bytes());
        self::assertFalse($back->isPieces());
    }

    public function testWithoutTheOptionABodyOfPiecesArrivesAsOneString(): void
    {
        $pair = $this->pair = new SessionPair(self::options(false), self::options(false));
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $sent = [random_bytes(20000), random_bytes(20000)];
        self::assertSame(implode('', $sent), $pair->client->call('echo', Payload::ofPieces($sent))->await());
    }

    public function testChunkedJsonAndSmallRawBodiesArriveAsBefore(): void
    {
        $pair = $this->pair = new SessionPair(self::options(true), self::options(true));
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $text = bin2hex(random_bytes(30000));
        self::assertSame($text, $pair->client->call('echo', $text)->await());
        $small = random_bytes(100);
        self::assertSame($small, $pair->client->call('echo', Payload::raw($small))->await());
        self::assertSame($small, $pair->client->call('echo', Payload::ofPieces([$small]))->await());
    }

    public function testPiecesAboveThePeersMaxMessageAreRefusedBeforeSending(): void
    {
        $pair = $this->pair = new SessionPair(self::options(true), self::options(true, 65536));
        $calls = 0;
        $pair->server->handle('pieces', static function (Payload $p) use (&$calls): int {
            $calls++;
            return $p->size();
        });
        $pair->client->awaitOpen();
        try {
            $pair->client->call('pieces', Payload::ofPieces([random_bytes(40000), random_bytes(30000)]))->await();
            self::fail('the peer\'s max_message was not enforced');
        } catch (MessageTooLargeException) {
            self::assertSame(0, $calls);
        }
        $fits = Payload::ofPieces([random_bytes(40000), random_bytes(25536)]);
        self::assertSame(65536, $pair->client->call('pieces', $fits)->await());
    }

    public function testWriteToSendsEveryPieceToAStream(): void
    {
        $stream = fopen('php://memory', 'w+b');
        self::assertIsResource($stream);
        self::assertSame(7, Payload::ofPieces(['abc', '', 'defg'])->writeTo($stream));
        rewind($stream);
        self::assertSame('abcdefg', stream_get_contents($stream));
        self::assertSame(['xyz'], Payload::raw('xyz')->pieces());
        self::assertSame([], Payload::raw('')->pieces());
    }
}
