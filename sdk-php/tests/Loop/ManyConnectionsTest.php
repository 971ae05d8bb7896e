<?php

declare(strict_types=1);

namespace Parley\Tests\Loop;

use Parley\Exception\TransportException;
use Parley\Loop\AdaptivePoller;
use Parley\Loop\EpollPoller;
use Parley\Loop\EventLoop;
use Parley\Loop\Poller;
use Parley\Loop\StreamSelectPoller;
use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use PHPUnit\Framework\TestCase;

/**
 * Issue 12 fault 1: a PHP socket server past 1,024 descriptors. With {@see EpollPoller} a server
 * holding 1,100 idle connections still serves a good client; stream_select() reports a descriptor
 * beyond FD_SETSIZE as a typed error instead of stalling. The long form (5,000 connections):
 *
 *   PARLEY_IDLE_CONNECTIONS=5000 phpunit --filter ManyConnectionsTest
 */
final class ManyConnectionsTest extends TestCase
{
    /** @var list<resource> */
    private array $idle = [];

    protected function setUp(): void
    {
        if (!function_exists('posix_setrlimit') || !posix_setrlimit(POSIX_RLIMIT_NOFILE, 16384, 16384)) {
            $limits = posix_getrlimit();
            if ((int) ($limits['soft openfiles'] ?? 0) < 12000) {
                self::markTestSkipped('cannot raise the descriptor limit for this test');
            }
        }
    }

    protected function tearDown(): void
    {
        foreach ($this->idle as $socket) {
            @fclose($socket);
        }
        $this->idle = [];
    }

    public function testTheLoopChoosesEpollWhereFfiIsAvailable(): void
    {
        if (!extension_loaded('ffi') || PHP_OS_FAMILY !== 'Linux') {
            self::markTestSkipped('epoll needs Linux and ext-ffi');
        }
        self::assertInstanceOf(EpollPoller::class, EpollPoller::create());
        $poller = (new \ReflectionProperty(EventLoop::class, 'poller'))->getValue(new EventLoop());
        self::assertInstanceOf(AdaptivePoller::class, $poller);
        self::assertFalse($poller->usesEpoll(), 'few streams: stream_select()');
        $pairs = [];
        for ($i = 0; $i < AdaptivePoller::SWITCH_AT; $i++) {
            $pairs[] = $pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0);
            $poller->addRead($i, $pair[1]);
        }
        self::assertTrue($poller->usesEpoll(), 'many streams: epoll');
        fwrite($pairs[7][0], 'x');
        self::assertSame([[7], []], $poller->wait(1.0), 'the registrations moved to epoll');
    }

    public function testTheDescriptorOfAStreamIsFound(): void
    {
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0);
        $fa = EpollPoller::descriptorOf($a);
        $fb = EpollPoller::descriptorOf($b);
        self::assertNotSame($fa, $fb);
        // the descriptors really are these streams' sockets: their links name the fstat inodes
        self::assertSame('socket:[' . fstat($a)['ino'] . ']', readlink("/proc/self/fd/$fa"));
        self::assertSame('socket:[' . fstat($b)['ino'] . ']', readlink("/proc/self/fd/$fb"));
        fclose($a);
        fclose($b);
    }

    public function testAServerHoldingManyIdleConnectionsStillServesAGoodClient(): void
    {
        $poller = EpollPoller::create();
        if ($poller === null) {
            self::markTestSkipped('epoll needs Linux and ext-ffi');
        }
        $count = (int) (getenv('PARLEY_IDLE_CONNECTIONS') ?: 1100);
        $latency = $this->serveAGoodClientPast($count, $poller);
        $line = "\n[epoll] %d idle connections held: good client's call answered in %.1f ms\n";
        fwrite(STDERR, sprintf($line, $count, $latency));
    }

    public function testTheDefaultLoopServesAGoodClientPastFdSetsize(): void
    {
        if (EpollPoller::create() === null) {
            self::markTestSkipped('epoll needs Linux and ext-ffi');
        }
        $latency = $this->serveAGoodClientPast(1100, null);
        fwrite(STDERR, sprintf("\n[default loop] 1100 idle connections held: call answered in %.1f ms\n", $latency));
    }

    public function testStreamSelectReportsADescriptorBeyondFdSetsizeInsteadOfStalling(): void
    {
        $pairs = [];
        do {
            $pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0);
            $pairs[] = $pair;
        } while (EpollPoller::descriptorOf($pair[1]) < 1100);
        $poller = new StreamSelectPoller();
        $poller->addRead(1, $pair[1]);
        fwrite($pair[0], 'x');
        try {
            $poller->wait(1.0);
            self::fail('stream_select() watched a descriptor beyond FD_SETSIZE');
        } catch (TransportException $e) {
            self::assertStringContainsString('FD_SETSIZE', $e->getMessage());
            self::assertStringContainsString('ext-ffi', $e->getMessage());
        } finally {
            foreach ($pairs as [$x, $y]) {
                fclose($x);
                fclose($y);
            }
        }
    }

    /** @return float the good client's round trip in milliseconds (printed, not asserted) */
    private function serveAGoodClientPast(int $count, ?Poller $poller): float
    {
        $loop = new EventLoop($poller);
        $quiet = static fn () => null;
        // idle ones must stay: no handshake timeout, and a pending-handshake cap above their number
        $server = \Parley\Transport\SocketServer::listen('tcp://127.0.0.1:0', static function (Session $session): void {
            $session->handle('echo', static fn (mixed $p): mixed => $p);
        }, new SessionOptions(logger: $quiet), $loop, [], new \Parley\Transport\ListenOptions($count + 1, 300.0));
        try {
            $address = 'tcp://' . $server->displayAddress();
            for ($i = 0; $i < $count; $i++) {
                $socket = stream_socket_client($address, $errno, $error, 5);
                self::assertNotFalse($socket, "idle connection $i: $error");
                $this->idle[] = $socket;
                if ($i % 8 === 0) {
                    $loop->tick(false); // let the server accept as we go, as a real one would
                }
            }
            for ($i = 0; $i < 50; $i++) {
                $loop->tick(false);
            }
            $accepted = count($server->sessions()) + $server->pendingCount();
            self::assertSame($count, $accepted, 'the server holds the idle connections (waiting to speak)');
            $start = hrtime(true);
            $client = Ipc::connect($address, new SessionOptions(logger: $quiet), loop: $loop);
            self::assertSame(['hi' => 1], $client->call('echo', ['hi' => 1])->await());
            $latency = (hrtime(true) - $start) / 1e6;
            $client->close();
            return $latency;
        } finally {
            foreach ($server->sessions() as $session) {
                $session->abortNow('test finished');
            }
            $server->close();
        }
    }
}
