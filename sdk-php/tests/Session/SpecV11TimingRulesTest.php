<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Frame\Frame;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameFlags;
use Parley\Frame\FrameKind;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\Role;
use Parley\Transport\StreamTransport;
use PHPUnit\Framework\TestCase;

/**
 * The SPEC 1.1 rules of §14 that had no test (twin of the Java SDK's SpecV11TimingRulesTest): the
 * stalled-frame bound (§3.5), when the heartbeat clock starts (§8.4), which requests count in flight
 * (§6.5), the all-empty chunked message (§5). The partial magic (§3.6) is in FrameDecoderTest.
 */
final class SpecV11TimingRulesTest extends TestCase
{
    private const HELLO = '{"versions":[1],"peer":"raw/1","codecs":["json"],"compression":[],"max_frame":1048576,'
        . '"max_message":134217728,"max_in_flight":8,"heartbeat_ms":0,"caps":0}';

    private EventLoop $loop;
    /** @var resource the raw peer's end */
    private $raw;
    private FrameDecoder $decoder;
    private ?Session $session = null;

    protected function setUp(): void
    {
        $this->loop = new EventLoop();
        $this->decoder = new FrameDecoder(16 << 20);
    }

    protected function tearDown(): void
    {
        $this->session?->abortNow('test finished');
        if (is_resource($this->raw ?? null)) {
            fclose($this->raw);
        }
    }

    private function session(Role $role, SessionOptions $options): Session
    {
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        stream_set_blocking($b, false);
        $this->raw = $b;
        return $this->session = new Session(new StreamTransport($a, $a, 'raw-test'), $role, $options, $this->loop);
    }

    /** The session's next frame (ticking its loop), or null when its stream ended. */
    private function next(float $within = 5.0): ?Frame
    {
        $until = microtime(true) + $within;
        while (microtime(true) < $until) {
            $frame = $this->decoder->next();
            if ($frame !== null) {
                return $frame;
            }
            $this->loop->tick(false);
            $data = fread($this->raw, 65536);
            if ($data === '' && feof($this->raw)) {
                return null;
            }
            if ($data !== false && $data !== '') {
                $this->decoder->feed($data);
                continue;
            }
            usleep(1000);
        }
        self::fail("no frame within $within s");
    }

    private function await(int $kind, int $id): Frame
    {
        while (true) {
            $frame = $this->next();
            self::assertNotNull($frame, 'the stream ended');
            if ($frame->kind === $kind && $frame->id === $id) {
                return $frame;
            }
            if ($frame->kind === FrameKind::ERROR && $frame->id === $id) {
                return $frame;
            }
        }
    }

    private function write(string $bytes): void
    {
        fwrite($this->raw, $bytes);
    }

    private function initiator(SessionOptions $options, float $helloDelay = 0.0): Session
    {
        $session = $this->session(Role::Initiator, $options);
        self::assertSame(FrameKind::HELLO, $this->next()?->kind);
        usleep((int) ($helloDelay * 1e6));
        $this->write(FrameEncoder::encode(FrameKind::HELLO, 0, 0, '', 1, 0, self::HELLO));
        $session->awaitOpen();
        return $session;
    }

    private function acceptor(SessionOptions $options): Session
    {
        $session = $this->session(Role::Acceptor, $options);
        $this->write(FrameEncoder::encode(FrameKind::HELLO, 0, 0, '', 1, 0, self::HELLO));
        self::assertSame(FrameKind::HELLO, $this->next()?->kind);
        return $session;
    }

    private static function request(int $id, string $method, string $json): string
    {
        return FrameEncoder::encode(FrameKind::REQUEST, 0, $id, FrameEncoder::requestMeta(0, $method), 1, 0, $json);
    }

    private static function options(mixed ...$values): SessionOptions
    {
        return new SessionOptions(...$values, logger: static fn () => null);
    }

    public function testAFrameWhoseBytesStopPartWayClosesTheSessionWithProtocolErrorAndFailsPendingCalls(): void
    {
        // heartbeats off, as for a stdio child: only the stall bound can end this
        $session = $this->initiator(self::options(heartbeat: 0.0, frameStallTimeout: 0.3));
        $call = $session->call('never-answered', null, timeout: 10.0);
        $request = $this->await(FrameKind::REQUEST, 1);
        $body = '"' . str_repeat('r', 200) . '"';
        $response = FrameEncoder::encode(FrameKind::RESPONSE, 0, $request->id, '', 1, 0, $body);
        $this->write(substr($response, 0, 24 + 100)); // the header and half the payload, then nothing
        try {
            $call->await();
            self::fail('no exception');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::ProtocolError, $e->errorCode());
            self::assertStringContainsString('stalled inside a frame', $e->getMessage());
        }
        self::assertFalse($session->isOpen());
        self::assertSame(ErrorCode::ProtocolError->value, $session->closeReason()?->getCode());
        $error = $this->await(FrameKind::ERROR, 0);
        self::assertSame(ErrorCode::ProtocolError->value, json_decode($error->body, true)['code']);
    }

    public function testAFrameThatCompletesAfterAPauseIsNotAStall(): void
    {
        $session = $this->initiator(self::options(heartbeat: 0.0, frameStallTimeout: 20.0));
        $call = $session->call('answered', null, timeout: 10.0);
        $request = $this->await(FrameKind::REQUEST, 1);
        $response = FrameEncoder::encode(FrameKind::RESPONSE, 0, $request->id, '', 1, 0, '"done"');
        $this->write(substr($response, 0, 27));
        $until = microtime(true) + 0.2;
        while (microtime(true) < $until) {
            $this->loop->tick(false);
            usleep(5000);
        }
        $this->write(substr($response, 27));
        self::assertSame('done', $call->await());
        self::assertTrue($session->isOpen());
    }

    public function testTheHeartbeatClockStartsWhenThePeersHelloArrivesNotWhenTheSessionOpens(): void
    {
        // the HELLO comes after more than 2 x H: a clock started before it would close the session at once
        $session = $this->initiator(self::options(heartbeat: 0.1), 0.5);
        $ping = $this->next();
        self::assertNotNull($ping, 'the session closed right after the handshake');
        self::assertSame(FrameKind::PING, $ping->kind);
        $this->write(FrameEncoder::encode(FrameKind::PONG, 0, $ping->id, '', 0, 0, $ping->body));
        $this->loop->tick(false);
        self::assertTrue($session->isOpen());
    }

    public function testRequestsAnsweredWithoutAHandlerNeverCountInFlight(): void
    {
        $gate = new Deferred($this->loop);
        $session = $this->acceptor(self::options(maxInFlight: 1));
        $session->handle('block', static fn (): mixed => $gate->await());
        // answered at once: METHOD_NOT_FOUND, INVALID_REQUEST (meta shorter than timeout_ms), PARSE_ERROR
        $this->write(self::request(1, 'no-such-method', '{}'));
        $this->write(FrameEncoder::encode(FrameKind::REQUEST, 0, 2, "\0\0", 1, 0, '{}'));
        $this->write(self::request(3, 'block', '{not json'));
        for ($id = 1; $id <= 3; $id++) {
            $error = $this->await(FrameKind::ERROR, $id);
            self::assertSame(FrameKind::ERROR, $error->kind);
            self::assertNotSame(ErrorCode::Overloaded->value, json_decode($error->body, true)['code']);
        }
        // none of them counts: the one slot is free for a request that runs; then it is taken
        $this->write(self::request(4, 'block', '{}'));
        $this->write(self::request(5, 'block', '{}'));
        $overloaded = $this->await(FrameKind::ERROR, 5);
        self::assertSame(ErrorCode::Overloaded->value, json_decode($overloaded->body, true)['code']);
        $gate->resolve('released');
        self::assertSame(FrameKind::RESPONSE, $this->await(FrameKind::RESPONSE, 4)->kind);
        // the OVERLOADED answer did not count either
        $this->write(self::request(6, 'block', '{}'));
        $again = $this->await(FrameKind::RESPONSE, 6);
        self::assertSame(FrameKind::RESPONSE, $again->kind);
        self::assertSame('"released"', $again->body);
    }

    public function testAChunkedMessageWhoseFramesAreAllEmptyCarriesNoValue(): void
    {
        $session = $this->acceptor(self::options());
        $session->handle('what', static fn (mixed $p = null): string => $p === null ? 'no value' : 'value');
        $meta = FrameEncoder::requestMeta(0, 'what');
        $this->write(FrameEncoder::encode(FrameKind::REQUEST, FrameFlags::MORE, 7, $meta, 1, 0, '')
            . FrameEncoder::encode(FrameKind::REQUEST, FrameFlags::MORE | FrameFlags::CONTINUATION, 7, '', 1, 0, '')
            . FrameEncoder::encode(FrameKind::REQUEST, FrameFlags::CONTINUATION, 7, '', 1, 0, ''));
        $answer = $this->await(FrameKind::RESPONSE, 7);
        self::assertSame(FrameKind::RESPONSE, $answer->kind, 'answer: ' . $answer->body);
        self::assertSame('"no value"', $answer->body);
        self::assertTrue($session->isOpen());
    }
}
