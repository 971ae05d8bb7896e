<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Codec\CodecException;
use Parley\Codec\ZstdCompression;
use Parley\Exception\ErrorCode;
use Parley\Exception\MessageTooLargeException;
use Parley\Exception\RemoteException;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameKind;
use Parley\Loop\EventLoop;
use Parley\Session\RequestContext;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Tests\Support\SessionPair;
use Parley\Transport\Role;
use Parley\Transport\StreamTransport;
use PHPUnit\Framework\TestCase;

/**
 * Issue 12 faults 2, 5, 6, 7 and the SPEC 1.1 rules they settle: the acceptor's first frame is its
 * HELLO (§8.2), senders respect the peer's max_message for every message kind (§3.2, §6.2), values
 * JSON cannot carry are refused (§10.1), a handler's signature TypeError is INVALID_PARAMS (§7.2).
 */
final class WireRulesTest extends TestCase
{
    private ?SessionPair $pair = null;

    protected function tearDown(): void
    {
        $this->pair?->dispose();
        $this->pair = null;
    }

    private function pair(?SessionOptions $client = null, ?SessionOptions $server = null): SessionPair
    {
        return $this->pair = new SessionPair($client, $server);
    }

    public function testTheAcceptorAnswersHelloFirstWhenAPingIsPipelinedBehindTheHello(): void
    {
        $loop = new EventLoop();
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $options = new SessionOptions(logger: static fn () => null);
        $session = new Session(new StreamTransport($a, $a, 'acceptor'), Role::Acceptor, $options, $loop);
        $session->handle('echo', static fn (mixed $p): mixed => $p);
        $hello = '{"versions":[1],"peer":"raw/1","codecs":["json"],"compression":[],"max_frame":1048576,'
            . '"max_message":134217728,"max_in_flight":8,"heartbeat_ms":0,"caps":0}';
        fwrite($b, FrameEncoder::encode(FrameKind::HELLO, 0, 0, '', 1, 0, $hello)
            . FrameEncoder::encode(FrameKind::PING, 0, 7, '', 0, 0, 'p')
            . FrameEncoder::encode(FrameKind::REQUEST, 0, 1, FrameEncoder::requestMeta(0, 'echo'), 1, 0, '"x"'));
        $decoder = new FrameDecoder();
        $kinds = [];
        stream_set_blocking($b, false);
        $until = microtime(true) + 5;
        while (count($kinds) < 3 && microtime(true) < $until) {
            $loop->tick(false);
            $decoder->feed((string) fread($b, 65536));
            while (($frame = $decoder->next()) !== null) {
                $kinds[] = $frame->kind;
            }
            usleep(1000);
        }
        self::assertSame(FrameKind::HELLO, $kinds[0] ?? null, 'the first frame of the acceptor is its HELLO (§8.2)');
        self::assertContains(FrameKind::PONG, $kinds);
        self::assertContains(FrameKind::RESPONSE, $kinds);
        $session->abortNow('test finished');
        fclose($b);
    }

    public function testAnOversizedResultIsAnsweredMessageTooLargeAndTheSessionGoesOn(): void
    {
        $pair = $this->pair(new SessionOptions(maxFrame: 16384, maxMessage: 20000, compression: []));
        $pair->server->handle('big', static fn (): string => str_repeat('x', 30000));
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        try {
            $pair->client->call('big')->await();
            self::fail('no exception');
        } catch (RemoteException | MessageTooLargeException $e) {
            self::assertSame(ErrorCode::MessageTooLarge->value, $e->getCode());
        }
        self::assertSame('ok', $pair->client->call('echo', 'ok')->await());
    }

    public function testACompressibleOversizedResultIsMeasuredBeforeCompression(): void
    {
        // SPEC §3.2: the body before or after compression counts; 30,000 'x' deflate to a few dozen bytes
        $pair = $this->pair(new SessionOptions(maxFrame: 16384, maxMessage: 20000, compression: ['deflate']));
        $pair->server->handle('big', static fn (): string => str_repeat('x', 30000));
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        try {
            $pair->client->call('big')->await();
            self::fail('no exception');
        } catch (RemoteException | MessageTooLargeException $e) {
            self::assertSame(ErrorCode::MessageTooLarge->value, $e->getCode());
            self::assertStringContainsString('max_message', $e->getMessage());
        }
        self::assertSame('ok', $pair->client->call('echo', 'ok')->await(), 'the session goes on');
        $pair->client->awaitOpen();
        $this->expectException(MessageTooLargeException::class);
        $pair->server->notify('n', str_repeat('z', 30000));
    }

    public function testAnOversizedProgressValueFailsInTheHandlerOnly(): void
    {
        $pair = $this->pair(new SessionOptions(maxFrame: 16384, maxMessage: 20000, compression: []));
        $pair->server->handle('work', static function (mixed $p, RequestContext $ctx): string {
            try {
                $ctx->progress(str_repeat('y', 30000));
            } catch (MessageTooLargeException) {
                return 'refused';
            }
            return 'sent';
        });
        $seen = [];
        $result = $pair->client->call('work', null, onProgress: static function (mixed $v) use (&$seen): void {
            $seen[] = $v;
        })->await();
        self::assertSame('refused', $result);
        self::assertSame([], $seen);
    }

    public function testAnOversizedNotificationIsRefusedBeforeSending(): void
    {
        $pair = $this->pair(null, new SessionOptions(maxFrame: 16384, maxMessage: 20000, compression: []));
        $pair->client->awaitOpen();
        $this->expectException(MessageTooLargeException::class);
        $pair->client->notify('n', str_repeat('z', 30000));
    }

    public function testAClosureResultIsRefusedNotSentAsAnEmptyObject(): void
    {
        $pair = $this->pair();
        $pair->server->handle('closure', static fn (): \Closure => static fn () => 1);
        $pair->server->handle('nested', static fn (): array => ['f' => static fn () => 1]);
        foreach (['closure', 'nested'] as $method) {
            try {
                $pair->client->call($method)->await();
                self::fail("$method: no exception");
            } catch (RemoteException $e) {
                self::assertSame(ErrorCode::InternalError, $e->errorCode(), $method);
                self::assertStringContainsString('Closure', $e->getMessage());
            }
        }
    }

    public function testParamsJsonCannotCarryFailTheCallWithATypedError(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        foreach ([['f' => static fn () => 1], [NAN], [INF]] as $params) {
            try {
                $pair->client->call('echo', $params)->await();
                self::fail('no exception');
            } catch (CodecException | RemoteException $e) {
                self::assertSame(ErrorCode::InvalidParams->value, $e->getCode());
            }
        }
        $pair->client->awaitOpen();
        $this->expectException(CodecException::class);
        $pair->client->notify('n', ['f' => static fn () => 1]);
    }

    public function testNumbersNoPeerKeepsExactlyAreParseErrors(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        self::assertSame(PHP_INT_MAX, $pair->client->call('echo', PHP_INT_MAX)->await());
        self::assertSame(PHP_INT_MIN, $pair->client->call('echo', PHP_INT_MIN)->await());
        foreach (['[18446744073709551616]', '[1e400]', '["\ud800"]'] as $json) {
            try {
                (new \Parley\Codec\JsonCodec())->decode($json);
                self::fail("$json decoded");
            } catch (CodecException $e) {
                self::assertSame(ErrorCode::ParseError->value, $e->getCode(), $json);
            }
        }
        self::assertSame([9007199254740993], (new \Parley\Codec\JsonCodec())->decode('[9007199254740993]'));
    }

    public function testASignatureTypeErrorIsInvalidParamsWithoutFilePaths(): void
    {
        $pair = $this->pair();
        $pair->server->handle('square', static fn (int $x): int => $x * $x);
        $pair->server->handle('inner', static fn (mixed $p): int => strlen($p));
        try {
            $pair->client->call('square', 'seven')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::InvalidParams, $e->errorCode());
            self::assertStringNotContainsString('.php', $e->getMessage());
        }
        try {
            $pair->client->call('inner', [1])->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::InternalError, $e->errorCode(), 'a TypeError inside: its failure');
            self::assertStringNotContainsString(dirname(__DIR__, 2) . '/src', $e->getMessage());
        }
    }

    public function testTheZstdDeclaredContentSizeIsReadBeforeDecompressing(): void
    {
        $head = "\x28\xB5\x2F\xFD";
        self::assertSame(1 << 40, ZstdCompression::declaredContentSize($head . "\xE0\0\0\0\0\0\1\0\0\1\0\0"));
        self::assertSame(300, ZstdCompression::declaredContentSize($head . "\x60\x2C\x00"));
        self::assertSame(7, ZstdCompression::declaredContentSize($head . "\x20\x07"));
        self::assertNull(ZstdCompression::declaredContentSize($head . "\x00\x50"), 'no size declared');
        self::assertNull(ZstdCompression::declaredContentSize("PK\x03\x04\xE0"), 'not zstd');
    }
}
