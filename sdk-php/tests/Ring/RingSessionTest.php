<?php

declare(strict_types=1);

namespace Parley\Tests\Ring;

use Parley\Codec\Payload;
use Parley\Exception\PeerGoneException;
use Parley\Internal\Ring\Libc;
use Parley\Internal\Io\ForwardingTransport;
use Parley\Ipc;
use Parley\Loop\EventLoop;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\RingTransport;
use Parley\Transport\Transport;
use PHPUnit\Framework\TestCase;

/**
 * PHP parent ↔ PHP child over the shared-memory ring (SPEC §9.4), end to end through
 * Ipc::spawnRing() and Ipc::worker() (tests/Fixtures/worker.php), and the decline path of a child
 * without FFI.
 */
final class RingSessionTest extends TestCase
{
    private const WORKER = __DIR__ . '/../Fixtures/worker.php';

    private EventLoop $loop;

    /** @var list<array{string, string}> */
    private array $logged = [];

    protected function setUp(): void
    {
        $reason = Libc::unavailableReason();
        if ($reason !== null) {
            self::markTestSkipped('the ring needs FFI here: ' . $reason);
        }
        $this->logged = [];
        // A loop of its own: an earlier test may leave a closed stream in the shared one.
        $this->loop = new EventLoop();
    }

    private function spawn(array $phpArgs = [], int $capacity = 65536): Session
    {
        return Ipc::spawnRing(
            [PHP_BINARY, ...$phpArgs, self::WORKER],
            new SessionOptions(logger: function (string $level, string $message): void {
                $this->logged[] = [$level, $message];
            }),
            $capacity,
            loop: $this->loop,
        );
    }

    public function testADecoratedRingTransportStillSleepsOnTheRing(): void
    {
        // A decorator (the conformance peer's TapTransport, a recorder) does not implement
        // MemoryReadiness: the session must still hand the ring's own to the loop, or the reader
        // never announces sleep, the peer never rings, and nothing is ever read (no HELLO).
        $decorated = 0;
        $emptyWrites = 0;
        $worker = Ipc::spawnRing(
            [PHP_BINARY, self::WORKER],
            new SessionOptions(
                handshakeTimeout: 5.0,
                transportDecorator: static function (Transport $inner) use (&$decorated, &$emptyWrites): Transport {
                    $decorated++;
                    return new class ($inner, $emptyWrites) extends ForwardingTransport {
                        public function __construct(Transport $inner, private int &$emptyWrites)
                        {
                            parent::__construct($inner);
                        }

                        public function write(string $bytes): int
                        {
                            $n = parent::write($bytes);
                            if ($n === 0) {
                                $this->emptyWrites++;
                            }
                            return $n;
                        }
                    };
                },
            ),
            65536,
            loop: $this->loop,
        );
        try {
            self::assertSame(1, $decorated);
            for ($i = 0; $i < 50; $i++) {
                self::assertSame(['n' => $i], $worker->call('echo', ['n' => $i])->await());
            }
            // 4 MiB through a 64 KiB ring: the writer waits for SPACE doorbells of the ring beneath
            // the decorator, not for the socket's writability (always true: a busy retry loop)
            $big = random_bytes(4 << 20);
            self::assertTrue($worker->call('bytes', Payload::raw($big))->await() === $big);
            self::assertLessThan(50, $emptyWrites, 'writes retried without a SPACE doorbell');
        } finally {
            $worker->close();
        }
    }

    public function testCallsLargeMessagesAndManyConcurrentCallsCrossTheRing(): void
    {
        $worker = $this->spawn();
        try {
            self::assertInstanceOf(RingTransport::class, $worker->transport());
            $pid = $worker->call('pid')->await();
            self::assertSame(['a' => 1], $worker->call('echo', ['a' => 1])->await());
            $maps = (string) @file_get_contents("/proc/$pid/maps");
            self::assertMatchesRegularExpression('~/parley-\d+-\d+-[0-9a-f]{32} \(deleted\)~', $maps);
            self::assertSame([], glob('/dev/shm/parley-' . getmypid() . '-*') ?: []);

            // 1 MiB in both directions through a 64 KiB ring: many records of capacity/8.
            $big = random_bytes(1 << 20);
            $back = $worker->call('bytes', Payload::raw($big))->await();
            self::assertTrue($back === $big, 'the 1 MiB payload came back changed');

            // More in flight than the rings hold: writers wait for SPACE doorbells.
            $calls = [];
            for ($i = 0; $i < 300; $i++) {
                $calls[$i] = $worker->call('echo', str_repeat(chr(65 + $i % 26), $i * 37));
            }
            foreach (Ipc::awaitAll($calls) as $i => $result) {
                self::assertSame(str_repeat(chr(65 + $i % 26), $i * 37), $result);
            }
            self::assertSame([], $this->logged);
        } finally {
            $worker->close();
        }
        self::assertTrue($worker->isClosed());
        self::assertNull($worker->closeReason(), 'the ring session should close cleanly');
    }

    public function testAChildWithoutFfiDeclinesAndTheSessionRunsOverTheSocket(): void
    {
        $lines = [];
        $worker = Ipc::spawnRing(
            [PHP_BINARY, '-d', 'ffi.enable=0', self::WORKER],
            new SessionOptions(logger: function (string $level, string $message): void {
                $this->logged[] = [$level, $message];
            }),
            65536,
            onStderrLine: static function (string $line) use (&$lines): void {
                $lines[] = $line;
            },
            loop: $this->loop,
        );
        try {
            self::assertNotInstanceOf(RingTransport::class, $worker->transport());
            self::assertSame('over the socket', $worker->call('echo', 'over the socket')->await());
            $big = random_bytes(300000);
            self::assertTrue($worker->call('bytes', Payload::raw($big))->await() === $big);
        } finally {
            $worker->close();
        }
        self::assertNull($worker->closeReason());
        $declines = array_filter($this->logged, static fn (array $e): bool => str_contains($e[1], 'declined'));
        // Logged once per process: an earlier test in this process may have logged it already.
        self::assertLessThanOrEqual(1, count($declines));
        foreach ($declines as [$level, $message]) {
            self::assertSame('warning', $level);
            self::assertStringContainsString('ffi.enable', $message);
        }
        $said = array_filter($lines, static fn (string $l): bool => str_contains($l, 'declining the shared-memory'));
        self::assertNotEmpty($said, 'the child says on stderr that it declined the ring');
    }

    public function testAKilledChildFailsThePendingCallWithPeerGone(): void
    {
        $worker = $this->spawn();
        $pid = $worker->call('pid')->await();
        $pending = $worker->call('sleep', 10000);
        posix_kill($pid, SIGKILL);
        try {
            $pending->await();
            self::fail('the call should fail when the child dies');
        } catch (PeerGoneException $e) {
            self::assertStringContainsString('killed by signal 9', $e->getMessage());
        } finally {
            $worker->close();
        }
    }
}
