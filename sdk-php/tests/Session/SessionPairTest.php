<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Codec\Payload;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ErrorCode;
use Parley\Exception\HeartbeatTimeoutException;
use Parley\Exception\MessageTooLargeException;
use Parley\Exception\OverloadedException;
use Parley\Exception\ProtocolException;
use Parley\Exception\RemoteException;
use Parley\Exception\SessionClosedException;
use Parley\Exception\ShuttingDownException;
use Parley\Loop\Deferred;
use Parley\Session\RequestContext;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Session\SessionState;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

/**
 * Session semantics with both peers in this process over a socket pair (one event loop): every
 * message kind, nested calls in Fibers, concurrency in both directions, cancellation, deadlines,
 * limits, chunking, compression, GOODBYE and fatal errors.
 */
final class SessionPairTest extends TestCase
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

    public function testHandshakeNegotiatesLimitsCodecsAndCaps(): void
    {
        $pair = $this->pair(
            new SessionOptions(maxFrame: 32768, codecs: ['json', 'raw'], compression: ['deflate']),
            new SessionOptions(maxInFlight: 7, heartbeat: 0.0),
        );
        $pair->client->awaitOpen();
        self::assertSame(SessionState::Open, $pair->client->state());
        $pair->server->awaitOpen();
        $hello = $pair->client->peer();
        self::assertNotNull($hello);
        self::assertSame(1, $hello->version);
        self::assertSame(7, $hello->maxInFlight);
        self::assertContains('php', $hello->codecs);
        self::assertSame(32768, $pair->server->peer()?->maxFrame);
        self::assertTrue($pair->server->peerAccepts('raw'));
        self::assertFalse($pair->server->peerAccepts('php'));
        self::assertTrue($pair->server->peerAccepts('deflate'));
        self::assertFalse($pair->server->peerAccepts('zstd'));
    }

    public function testRequestResponseInBothDirections(): void
    {
        $pair = $this->pair();
        $pair->server->handle('add', static fn (array $p): int => $p[0] + $p[1]);
        $pair->client->handle('mul', static fn (array $p): int => $p[0] * $p[1]);
        self::assertSame(5, $pair->client->call('add', [2, 3])->await());
        self::assertSame(6, $pair->server->call('mul', [2, 3])->await());
    }

    public function testJsonValuesRoundTripExactly(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $value = ['s' => "héllo ✓ \u{0} \"q\"", 'i' => 42, 'neg' => -7, 'big' => 9007199254740991, 'f' => 1.5,
            'one' => 1.0, 't' => true, 'n' => null, 'a' => [1, 'two', []], 'o' => ['x' => ['y' => [false]]]];
        $result = $pair->client->call('echo', $value)->await();
        self::assertSame($value, $result);
        self::assertIsFloat($result['one'], '1.0 stays a float');
        self::assertNull($pair->client->call('echo')->await(), 'an empty body is null');
        self::assertSame('', $pair->client->call('echo', '')->await());
    }

    public function testObjectsModeKeepsEmptyObjectsApartFromArrays(): void
    {
        $options = new SessionOptions(jsonObjectsAsArrays: false);
        $pair = $this->pair($options, $options);
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $result = $pair->client->call('echo', json_decode('{"a":{},"b":[]}'))->await();
        self::assertSame('{"a":{},"b":[]}', json_encode($result));
    }

    public function testRawAndPhpCodecsAndTheRequestCodecIsTheDefaultForTheResult(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $pair->server->handle('codec', static fn (mixed $p, RequestContext $c): string => $c->codec());
        $bytes = random_bytes(300);
        self::assertSame($bytes, $pair->client->call('echo', Payload::raw($bytes))->await());
        self::assertSame('raw', $pair->client->call('codec', Payload::raw('x'))->await());
        $value = ['k' => [1, 2.5, true], 'n' => null];
        self::assertSame($value, $pair->client->call('echo', Payload::php($value))->await());
        self::assertSame('php', $pair->client->call('codec', $value, codec: 'php')->await());
    }

    public function testPhpCodecInstantiatesNoClassByDefault(): void
    {
        $pair = $this->pair();
        $ran = false;
        $pair->server->handle('class', static function (mixed $p) use (&$ran): string {
            $ran = true;
            return get_class($p);
        });
        try {
            $pair->client->call('class', Payload::php(new \ArrayObject([1])))->await();
            self::fail('the server does not allow ArrayObject');
        } catch (RemoteException $e) {
            self::assertStringContainsString('ArrayObject', $e->getMessage());
        }
        self::assertFalse($ran, 'no handler sees an object it cannot use');
    }

    public function testErrorsCarryCodeMessageAndData(): void
    {
        $pair = $this->pair();
        $pair->server->handle('fail', static function (): never {
            throw new RemoteException('not today', 4001, ['why' => 'test']);
        });
        $pair->server->handle('crash', static function (): never {
            throw new \LogicException('boom');
        });
        $pair->server->handle('bad', static function (): never {
            throw RemoteException::invalidParams('x must be positive');
        });
        try {
            $pair->client->call('fail')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(4001, $e->getCode());
            self::assertSame('not today', $e->getMessage());
            self::assertSame(['why' => 'test'], $e->getData());
        }
        try {
            $pair->client->call('crash')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::InternalError, $e->errorCode());
            self::assertStringContainsString('boom', $e->getMessage());
            self::assertSame(['exception' => 'LogicException'], $e->getData());
        }
        try {
            $pair->client->call('bad')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::InvalidParams, $e->errorCode());
        }
        try {
            $pair->client->call('nope')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::MethodNotFound, $e->errorCode());
            self::assertSame('method not found: nope', $e->getMessage());
        }
        try {
            $pair->client->call('$/unknown')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::MethodNotFound, $e->errorCode());
        }
        self::assertTrue($pair->client->isOpen(), 'per-request errors do not close the session');
    }

    public function testNotificationsArriveInOrderAndBeforeTheResponse(): void
    {
        $pair = $this->pair();
        $seen = [];
        $pair->client->onNotification('tick', static function (mixed $p) use (&$seen): void {
            $seen[] = $p['i'];
        });
        $pair->server->handle('ticks', static function (int $n, RequestContext $c): int {
            for ($i = 1; $i <= $n; $i++) {
                $c->notify('tick', ['i' => $i]);
            }
            return $n;
        });
        self::assertSame(50, $pair->client->call('ticks', 50)->await());
        self::assertSame(range(1, 50), $seen);

        $other = [];
        $pair->server->onAnyNotification(static function (string $method, mixed $p) use (&$other): void {
            $other[] = [$method, $p];
        });
        $pair->server->handle('ping', static fn (): string => 'pong');
        $pair->client->notify('hello', ['x' => 1]);
        $pair->client->notify('$/ignored', 1);
        self::assertSame('pong', $pair->client->call('ping')->await());
        self::assertSame([['hello', ['x' => 1]]], $other);
    }

    public function testLogNotificationsGoToTheListener(): void
    {
        $logged = [];
        $pair = $this->pair(new SessionOptions(onLog: static function (
            string $level,
            string $text,
            ?string $source,
        ) use (&$logged): void {
            $logged[] = [$level, $text, $source];
        }));
        $pair->server->handle('log', static function (mixed $p, RequestContext $c): bool {
            return $c->session()->sendLog('warning', 'careful', 'test');
        });
        self::assertTrue($pair->client->call('log')->await());
        self::assertSame([['warning', 'careful', 'test']], $logged);
    }

    public function testProgressIsTiedToItsCallAndOnlySentWhenAskedFor(): void
    {
        $pair = $this->pair();
        $pair->server->handle('work', static function (int $n, RequestContext $c): bool {
            for ($i = 1; $i <= $n; $i++) {
                $c->progress(['progress' => $i, 'total' => $n]);
            }
            return $c->wantsProgress();
        });
        $a = [];
        $b = [];
        $first = $pair->client->call('work', 3, onProgress: static function (mixed $p) use (&$a): void {
            $a[] = $p['progress'];
        });
        $second = $pair->client->call('work', 2, onProgress: static function (mixed $p) use (&$b): void {
            $b[] = $p['progress'];
        });
        $third = $pair->client->call('work', 4);
        self::assertTrue($first->await());
        self::assertTrue($second->await());
        self::assertFalse($third->await());
        self::assertSame([1, 2, 3], $a);
        self::assertSame([1, 2], $b);
    }

    public function testManyCallsInFlightAnsweredOutOfOrder(): void
    {
        $pair = $this->pair();
        $pair->server->handle('delay', static function (int $ms, RequestContext $c): int {
            $c->sleep($ms / 1000);
            return $ms;
        });
        $calls = [];
        foreach ([30, 5, 20, 1, 10] as $ms) {
            $calls[] = $pair->client->call('delay', $ms);
        }
        $order = [];
        foreach ($calls as $call) {
            $call->onProgress(static fn () => null);
        }
        $done = new Deferred($pair->loop);
        foreach ($calls as $call) {
            $pair->loop->async(static function () use ($call, &$order, $done): void {
                $order[] = $call->await();
                if (count($order) === 5) {
                    $done->resolve();
                }
            });
        }
        $done->await();
        self::assertSame([1, 5, 10, 20, 30], $order, 'answers complete in the order the handlers finish');
    }

    public function testAThousandCallsInFlight(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $calls = [];
        for ($i = 1; $i <= 1000; $i++) {
            $calls[$i] = $pair->client->call('echo', ['i' => $i]);
        }
        foreach ($calls as $i => $call) {
            self::assertSame(['i' => $i], $call->await());
        }
    }

    public function testNestedCallsInsideHandlers(): void
    {
        $pair = $this->pair();
        $pair->client->handle('echo', static fn (mixed $p): mixed => $p);
        $pair->client->handle(
            'callback',
            static fn (array $p, RequestContext $c): mixed => $c->call($p['method'], $p['params'])->await(),
        );
        $pair->server->handle('echo', static fn (mixed $p): mixed => ['server' => $p]);
        $pair->server->handle(
            'callback',
            static fn (array $p, RequestContext $c): mixed => $c->call($p['method'], $p['params'])->await(),
        );
        self::assertSame(
            ['x' => 1],
            $pair->client->call('callback', ['method' => 'echo', 'params' => ['x' => 1]])->await(),
        );
        self::assertSame(
            ['server' => 'deep'],
            $pair->client->call(
                'callback',
                ['method' => 'callback', 'params' => ['method' => 'echo', 'params' => 'deep']],
            )->await(),
            'server → client → server',
        );
    }

    public function testBothSidesCallEachOtherAtOnceWithoutDeadlock(): void
    {
        $pair = $this->pair();
        foreach ([$pair->client, $pair->server] as $side) {
            $side->handle(
                'callback',
                static fn (int $i, RequestContext $c): int => $c->call('square', $i)->await() + 1,
            );
            $side->handle('square', static fn (int $i): int => $i * $i);
        }
        $fromClient = [];
        $fromServer = [];
        for ($i = 1; $i <= 100; $i++) {
            $fromClient[$i] = $pair->client->call('callback', $i);
            $fromServer[$i] = $pair->server->call('callback', $i);
        }
        for ($i = 1; $i <= 100; $i++) {
            self::assertSame($i * $i + 1, $fromClient[$i]->await());
            self::assertSame($i * $i + 1, $fromServer[$i]->await());
        }
    }

    public function testAHandlerErrorPassesThroughANestedCallWithItsCode(): void
    {
        $pair = $this->pair();
        $pair->client->handle('fail', static function (): never {
            throw new RemoteException('nested failure', 4001);
        });
        $pair->server->handle('callback', static fn (string $m, RequestContext $c): mixed => $c->call($m)->await());
        try {
            $pair->client->call('callback', 'fail')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(4001, $e->getCode());
            self::assertSame('nested failure', $e->getMessage());
        }
    }

    public function testCancellationReachesTheHandlerCooperatively(): void
    {
        $pair = $this->pair();
        $handlerSaw = null;
        $pair->server->handle('wait', static function (mixed $p, RequestContext $c) use (&$handlerSaw): string {
            try {
                $c->sleep(30);
            } catch (CancelledException $e) {
                $handlerSaw = $c->isCancelled();
                throw $e;
            }
            return 'not cancelled';
        });
        $call = $pair->client->call('wait');
        $pair->loop->sleep(0.05);
        $call->cancel();
        $call->cancel();
        try {
            $call->await();
            self::fail('no exception');
        } catch (CancelledException $e) {
            self::assertFalse($e->isRemote(), 'the caller fails at once, locally');
        }
        $this->waitUntil($pair, static fn () => $pair->server->stats()['cancelled'] === 1);
        self::assertTrue($handlerSaw);
        self::assertSame(0, $pair->server->stats()['in_flight']);
        self::assertSame([], array_filter($pair->client->stats(), static fn ($v) => $v !== 0));
    }

    public function testAHandlerThatFinishesDespiteCancelStillAnswersOnce(): void
    {
        $pair = $this->pair();
        $pair->server->handle('stubborn', static function (mixed $p, RequestContext $c): string {
            try {
                $c->sleep(0.2);
            } catch (CancelledException) {
                // Keeps going; its result is still the one answer (and the caller discards it).
            }
            return 'done anyway';
        });
        $call = $pair->client->call('stubborn');
        $pair->loop->sleep(0.02);
        $call->cancel();
        $this->waitUntil($pair, static fn () => $pair->server->stats()['handled'] === 1);
        self::assertSame(0, $pair->server->stats()['cancelled']);
        $this->waitUntil($pair, static fn () => $pair->client->stats()['pending_calls'] === 0);
    }

    public function testDeadlinesAreVisibleToTheHandlerAndEnforcedOnBothSides(): void
    {
        $pair = $this->pair();
        $remaining = null;
        $pair->server->handle('slow', static function (int $ms, RequestContext $c) use (&$remaining): string {
            $remaining = $c->remaining();
            $c->sleep($ms / 1000);
            return 'slept';
        });
        self::assertSame('slept', $pair->client->call('slow', 1, timeout: 10.0)->await());
        self::assertNotNull($remaining);
        self::assertGreaterThan(5.0, $remaining);
        self::assertLessThanOrEqual(10.0, $remaining);
        try {
            $pair->client->call('slow', 5000, timeout: 0.05)->await();
            self::fail('no exception');
        } catch (DeadlineExceededException $e) {
            self::assertFalse($e->isRemote());
        }
        $this->waitUntil($pair, static fn () => $pair->server->stats()['in_flight'] === 0);
        $stats = $pair->server->stats();
        self::assertSame(1, $stats['cancelled'] + $stats['deadline_exceeded']);
        try {
            $pair->client->call('slow', 1, timeout: 0.0)->await();
            self::fail('no exception');
        } catch (DeadlineExceededException) {
            self::assertSame(2, $pair->server->stats()['handled'], 'an expired call is never sent');
        }
    }

    public function testTheReceiverAnswersDeadlineExceededWhenOnlyItsDeadlinePasses(): void
    {
        $pair = $this->pair();
        $pair->server->handle('busy', static function (mixed $p, RequestContext $c): string {
            $c->session()->loop()->sleep(0.1);
            return 'late';
        });
        // A raw REQUEST with timeout_ms 20: the caller side has no local deadline.
        $pair->client->awaitOpen();
        $pair->inject(
            \Parley\Frame\FrameEncoder::encode(2, 0, 77, pack('N', 20) . 'busy', 0, 0, ''),
        );
        $this->waitUntil($pair, static fn () => $pair->server->stats()['handled'] === 1);
        self::assertSame(1, $pair->server->stats()['deadline_exceeded']);
    }

    public function testOverloadedAboveMaxInFlight(): void
    {
        $pair = $this->pair(null, new SessionOptions(maxInFlight: 2));
        $pair->server->handle('hold', static function (mixed $p, RequestContext $c): string {
            $c->sleep(0.1);
            return 'ok';
        });
        $pair->client->awaitOpen();
        $pair->server->awaitOpen();
        // The client queues above the peer's max_in_flight itself; bypass that with raw frames.
        foreach ([1001, 1002, 1003] as $id) {
            $pair->inject(
                \Parley\Frame\FrameEncoder::encode(2, 0, $id, "\0\0\0\0hold", 0, 0, ''),
            );
        }
        $this->waitUntil($pair, static fn () => $pair->server->stats()['handled'] === 3);
        self::assertTrue($pair->client->isOpen());
        // And the SDK's own calls queue locally instead of failing.
        $calls = [];
        for ($i = 0; $i < 5; $i++) {
            $calls[] = $pair->client->call('hold');
        }
        foreach ($calls as $call) {
            self::assertSame('ok', $call->await());
        }
    }

    public function testOverloadedIsATypedException(): void
    {
        $pair = $this->pair();
        $pair->server->handle('overloaded', static function (): never {
            throw new OverloadedException('busy');
        });
        $this->expectException(OverloadedException::class);
        $pair->client->call('overloaded')->await();
    }

    public function testLargeMessagesAreChunkedBothWaysWithBoundedFrames(): void
    {
        $small = new SessionOptions(maxFrame: 16384, compression: []);
        $pair = $this->pair($small, $small);
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $text = str_repeat('0123456789abcdef', 20000);
        self::assertSame($text, $pair->client->call('echo', $text)->await());
        $bytes = random_bytes(100000);
        self::assertSame($bytes, $pair->client->call('echo', Payload::raw($bytes))->await());
        // Progress and notifications chunk too.
        $pair->server->handle('big-progress', static function (mixed $p, RequestContext $c) use ($text): int {
            $c->progress($text);
            $c->notify('big', $text);
            return 1;
        });
        $seen = [];
        $pair->client->onNotification('big', static function (string $p) use (&$seen): void {
            $seen[] = strlen($p);
        });
        $progress = [];
        $pair->client->call('big-progress', null, onProgress: static function (string $p) use (&$progress): void {
            $progress[] = strlen($p);
        })->await();
        self::assertSame([strlen($text)], $progress);
        self::assertSame([strlen($text)], $seen);
    }

    public function testCompressionIsUsedWhenItHelpsAndNegotiated(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $text = str_repeat('compress me ', 10000);
        self::assertSame($text, $pair->client->call('echo', $text)->await());
        self::assertSame($text, $pair->client->call('echo', $text, compression: 'deflate')->await());
        if ($pair->client->peerAccepts('zstd')) {
            self::assertSame($text, $pair->client->call('echo', $text, compression: 'zstd')->await());
        }
        $noCompression = new SessionOptions(compression: []);
        $other = new SessionPair($noCompression, $noCompression);
        try {
            $other->server->handle('echo', static fn (mixed $p): mixed => $p);
            $call = $other->client->call('echo', $text, compression: 'deflate');
            $this->expectException(RemoteException::class);
            $this->expectExceptionMessage('compression "deflate" is not available on both sides');
            $call->await();
        } finally {
            $other->dispose();
        }
    }

    public function testMaxMessageIsEnforcedByTheSender(): void
    {
        $pair = $this->pair(null, new SessionOptions(maxFrame: 16384, maxMessage: 20000, compression: []));
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $call = $pair->client->call('echo', str_repeat('x', 30000));
        try {
            $call->await();
            self::fail('no exception');
        } catch (MessageTooLargeException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
        }
        self::assertTrue($pair->client->isOpen());
    }

    public function testPingIsAnsweredWithPong(): void
    {
        $pair = $this->pair();
        $pair->client->awaitOpen();
        self::assertGreaterThanOrEqual(0.0, $pair->client->ping('abc'));
        self::assertGreaterThanOrEqual(0.0, $pair->server->ping());
    }

    public function testHeartbeatPingsKeepAnIdleSessionAliveAndDetectASilentPeer(): void
    {
        // A generous timeout: both peers share this process, so a stall of the test process must
        // not look like a dead peer.
        $pair = $this->pair(
            new SessionOptions(heartbeat: 0.02, heartbeatTimeout: 3.0),
            new SessionOptions(heartbeat: 0.0),
        );
        $pair->client->awaitOpen();
        $pair->loop->sleep(0.15);
        self::assertTrue($pair->client->isOpen(), 'the peer answers PINGs, so the session stays up');

        // A peer that never answers: raw socket, HELLO only.
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $loop = $pair->loop;
        $silent = new Session(
            new \Parley\Transport\StreamTransport($a, $a, 'silent'),
            \Parley\Transport\Role::Initiator,
            new SessionOptions(heartbeat: 0.02, logger: static fn () => null),
            $loop,
        );
        fwrite(
            $b,
            \Parley\Frame\FrameEncoder::encode(
                1,
                0,
                0,
                '',
                1,
                0,
                (new \Parley\Internal\Session\Hello([1], 'mute', ['json'], [], 16384, 16384, 1, 0, 0))->toJson(),
            ),
        );
        $pending = $silent->call('anything');
        try {
            $pending->await();
            self::fail('no exception');
        } catch (HeartbeatTimeoutException $e) {
            self::assertSame(ErrorCode::HeartbeatTimeout, $e->errorCode());
            // durations as people write them ("40 ms", "1.2 s"), as in the Java SDK's message
            self::assertMatchesRegularExpression(
                '/no frame from silent for \\d+(\\.\\d+)? m?s \\(heartbeat every 20 ms, timeout \\d+(\\.\\d+)? m?s\\); '
                . 'the peer is unresponsive/',
                $e->getMessage(),
            );
        }
        self::assertSame(SessionState::Closed, $silent->state());
        fclose($b);
    }

    public function testGracefulCloseLetsCallsInFlightFinish(): void
    {
        $pair = $this->pair();
        $pair->server->handle('slow', static function (mixed $p, RequestContext $c): string {
            $c->sleep(0.05);
            return 'slept';
        });
        $call = $pair->client->call('slow');
        $pair->loop->sleep(0.01);
        $pair->client->close('test done', false);
        self::assertSame(SessionState::Draining, $pair->client->state());
        $late = $pair->client->call('slow');
        self::assertSame('slept', $call->await());
        $this->expectException(ShuttingDownException::class);
        try {
            $late->await();
        } finally {
            $pair->client->closed()->await();
            $pair->server->closed()->await();
            self::assertTrue($pair->client->closedCleanly());
            self::assertTrue($pair->server->closedCleanly());
        }
    }

    public function testARequestAfterGoodbyeIsAnsweredShuttingDown(): void
    {
        $pair = $this->pair();
        $pair->server->handle('slow', static function (mixed $p, RequestContext $c): string {
            $c->sleep(0.1);
            return 'slept';
        });
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $keepOpen = $pair->client->call('slow');
        $pair->loop->sleep(0.01);
        $pair->server->close('server leaving', false);
        $pair->loop->sleep(0.01);
        // The client already knows (it received GOODBYE): it fails the call locally.
        try {
            $pair->client->call('echo', 1)->await();
            self::fail('no exception');
        } catch (ShuttingDownException $e) {
            self::assertFalse($e->isRemote());
        }
        self::assertSame('slept', $keepOpen->await());
        $pair->client->closed()->await();
        self::assertTrue($pair->client->closedCleanly());
    }

    public function testCallsOnAClosedSessionFailWithSessionClosed(): void
    {
        $pair = $this->pair();
        $pair->client->close();
        self::assertSame(SessionState::Closed, $pair->client->state());
        try {
            $pair->client->call('x')->await();
            self::fail('no exception');
        } catch (SessionClosedException $e) {
            self::assertSame(ErrorCode::SessionClosed, $e->errorCode());
        }
        $this->expectException(SessionClosedException::class);
        $pair->client->notify('x');
    }

    public function testATokenIsRequiredAndComparedByTheAcceptor(): void
    {
        $pair = $this->pair(
            new SessionOptions(token: 'wrong', logger: static fn () => null),
            new SessionOptions(token: 's3cret', logger: static fn () => null),
        );
        try {
            $pair->client->awaitOpen();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::AuthFailed, $e->errorCode());
            self::assertTrue($e->isRemote());
        }
        self::assertSame(ErrorCode::AuthFailed, $pair->server->closeReason()?->errorCode());
        self::assertNull($pair->client->peer(), 'the acceptor sent no HELLO');

        $good = new SessionPair(
            new SessionOptions(token: 's3cret'),
            new SessionOptions(token: 's3cret'),
        );
        try {
            $good->client->awaitOpen();
            self::assertTrue($good->client->isOpen());
        } finally {
            $good->dispose();
        }
    }

    public function testAProtocolViolationClosesBothSidesWithTheCode(): void
    {
        $quiet = new SessionOptions(logger: static fn () => null);
        $pair = $this->pair($quiet, $quiet);
        $pair->server->handle('slow', static function (mixed $p, RequestContext $c): string {
            $c->sleep(1);
            return 'x';
        });
        $pending = $pair->client->call('slow');
        $pair->loop->sleep(0.01);
        // A PING with a 65-byte body is PROTOCOL_ERROR (§4).
        $pair->inject(
            \Parley\Frame\FrameEncoder::encode(8, 0, 1, '', 0, 0, str_repeat('x', 65)),
        );
        try {
            $pending->await();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::ProtocolError, $e->errorCode());
            self::assertTrue($e->isRemote(), 'the server reported it with ERROR id 0');
        }
        self::assertSame(SessionState::Closed, $pair->client->state());
        $pair->server->closed()->await();
        self::assertSame(ErrorCode::ProtocolError, $pair->server->closeReason()?->errorCode());
    }

    public function testDuplicateRequestIdIsFatal(): void
    {
        $quiet = new SessionOptions(logger: static fn () => null);
        $pair = $this->pair($quiet, $quiet);
        $pair->server->handle('slow', static function (mixed $p, RequestContext $c): string {
            $c->sleep(1);
            return 'x';
        });
        $pair->client->awaitOpen();
        $frame = \Parley\Frame\FrameEncoder::encode(2, 0, 5, "\0\0\0\0slow", 0, 0, '');
        $pair->inject($frame . $frame);
        $pair->server->closed()->await();
        self::assertSame(ErrorCode::ProtocolError, $pair->server->closeReason()?->errorCode());
    }

    public function testStrayBytesAreReportedAndSkipped(): void
    {
        $stray = [];
        $pair = $this->pair(null, new SessionOptions(onStray: static function (string $bytes) use (&$stray): void {
            $stray[] = $bytes;
        }, logger: static fn () => null));
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $pair->client->awaitOpen();
        $pair->inject("PHP Warning: something\n");
        self::assertSame('after', $pair->client->call('echo', 'after')->await());
        self::assertSame("PHP Warning: something\n", implode('', $stray));
    }

    public function testMalformedRequestMethodIsAnsweredInvalidRequest(): void
    {
        $pair = $this->pair();
        $pair->client->awaitOpen();
        $pair->server->awaitOpen();
        $pair->inject(\Parley\Frame\FrameEncoder::encode(2, 0, 9, "\0\0\0", 0, 0, ''));
        $this->waitUntil($pair, static fn () => $pair->server->stats()['handled'] === 1);
        self::assertTrue($pair->server->isOpen());
    }

    public function testHandshakeTimesOutWithoutAPeer(): void
    {
        $loop = new \Parley\Loop\EventLoop();
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $session = new Session(
            new \Parley\Transport\StreamTransport($a, $a, 'nobody'),
            \Parley\Transport\Role::Initiator,
            new SessionOptions(handshakeTimeout: 0.05, logger: static fn () => null),
            $loop,
        );
        try {
            $session->awaitOpen();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::HandshakeFailed, $e->errorCode());
        }
        fclose($b);
    }

    public function testFramesBeforeTheHelloFailTheHandshake(): void
    {
        $loop = new \Parley\Loop\EventLoop();
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $session = new Session(
            new \Parley\Transport\StreamTransport($a, $a, 'rude'),
            \Parley\Transport\Role::Acceptor,
            new SessionOptions(logger: static fn () => null),
            $loop,
        );
        fwrite($b, \Parley\Frame\FrameEncoder::encode(2, 0, 1, "\0\0\0\0echo", 0, 0, ''));
        $session->closed()->await();
        self::assertSame(ErrorCode::HandshakeFailed, $session->closeReason()?->errorCode());
        stream_set_blocking($b, false);
        $reply = (string) fread($b, 4096);
        self::assertSame(4, ord($reply[5] ?? "\0"), 'the acceptor answered with ERROR, not HELLO');
        fclose($b);
    }

    public function testCloseFromInsideAHandlerDoesNotWaitForItself(): void
    {
        $pair = $this->pair();
        $pair->server->handle('leave', static function (mixed $p, RequestContext $c): string {
            $c->session()->close('leaving');
            return 'bye';
        });
        self::assertSame('bye', $pair->client->call('leave')->await());
        $pair->client->closed()->await();
        self::assertTrue($pair->client->closedCleanly());
        self::assertTrue($pair->server->closedCleanly());
    }

    public function testANotificationListenerMustNotWaitButMayStartCallsAndTasks(): void
    {
        $pair = $this->pair();
        $pair->server->handle('echo', static fn (mixed $p): mixed => $p);
        $started = null;
        $fromTask = null;
        $pair->client->onNotification('go', static function (mixed $p, Session $s) use (&$started, &$fromTask): void {
            $started = $s->call('echo', 'started');
            $s->loop()->async(static function () use ($s, &$fromTask): void {
                $fromTask = $s->call('echo', 'in a task')->await();
            });
            $s->call('echo', 'waited')->await();
        });
        $pair->server->handle('trigger', static function (mixed $p, RequestContext $c): string {
            $c->notify('go');
            return 'sent';
        });
        self::assertSame('sent', $pair->client->call('trigger')->await());
        self::assertSame('started', $started?->await());
        $this->waitUntil($pair, static function () use (&$fromTask): bool {
            return $fromTask !== null;
        });
        self::assertSame('in a task', $fromTask);
        $errors = array_filter(
            $pair->logs,
            static fn (array $l): bool => $l[0] === 'error' && str_contains($l[1], 'must not wait'),
        );
        self::assertCount(1, $errors, 'the wait inside the listener was refused with a clear error');
    }

    private function waitUntil(SessionPair $pair, \Closure $condition): void
    {
        for ($i = 0; $i < 500 && !$condition(); $i++) {
            $pair->loop->sleep(0.01);
        }
        self::assertTrue($condition(), 'condition not reached within 5 s');
    }
}
