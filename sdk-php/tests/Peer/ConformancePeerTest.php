<?php

declare(strict_types=1);

namespace Parley\Tests\Peer;

use Parley\Codec\Payload;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ErrorCode;
use Parley\Exception\PeerGoneException;
use Parley\Exception\RemoteException;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Session\SessionState;
use Parley\Tests\Support\PeerProcess;
use Parley\Tests\Support\TempDir;
use Parley\Transport\ChildProcessTransport;
use PHPUnit\Framework\TestCase;

/**
 * bin/parley-peer `serve` over stdio, a Unix socket and TCP, driven by this SDK: every method of
 * the conformance service and every message kind on each transport.
 */
final class ConformancePeerTest extends TestCase
{
    private ?PeerProcess $server = null;
    private ?TempDir $dir = null;
    private ?Session $session = null;
    /** @var list<string> */
    private array $stray = [];

    protected function tearDown(): void
    {
        $transport = $this->session?->transport();
        $this->session?->abortNow('test finished');
        if ($transport instanceof ChildProcessTransport) {
            $transport->child()->signal(9);
            $transport->child()->waitForExit(5);
        }
        $this->server?->stop();
        $this->dir?->remove();
        $this->session = $this->server = $this->dir = null;
    }

    /** @return iterable<string, array{string}> */
    public static function transports(): iterable
    {
        yield 'stdio' => ['stdio'];
        yield 'unix' => ['unix'];
        yield 'tcp' => ['tcp'];
    }

    private function connect(string $transport, array $serverArgs = []): Session
    {
        $options = new SessionOptions(
            jsonObjectsAsArrays: false,
            logger: static fn () => null,
            onStray: function (string $bytes): void {
                $this->stray[] = $bytes;
            },
        );
        $loop = new EventLoop();
        $peer = dirname(__DIR__, 3) . '/conformance-tests/peers/php/bin/parley-peer';
        if ($transport === 'stdio') {
            $this->session = Ipc::spawn(
                array_merge([PHP_BINARY, $peer, 'serve', '--transport', 'stdio'], $serverArgs),
                $options,
                loop: $loop,
            );
        } else {
            $this->dir = new TempDir();
            $listen = $transport === 'unix' ? $this->dir->path . '/peer.sock' : '127.0.0.1:0';
            $this->server = new PeerProcess($transport, $listen, $serverArgs);
            $this->session = Ipc::connect($this->server->address, $options, loop: $loop);
        }
        return $this->session;
    }

    /** @dataProvider transports */
    public function testTheWholeServiceOverEachTransport(string $transport): void
    {
        $s = $this->connect($transport);
        $s->handle('echo', static fn (mixed $p): mixed => $p);
        $value = json_decode('{"s":"héllo ✓ \u0000 \"q\"","i":42,"neg":-7,"big":9007199254740991,"f":1.5,'
            . '"t":true,"n":null,"a":[1,"two",[],{}],"o":{"x":{"y":[false]}}}');
        self::assertSame(json_encode($value), json_encode($s->call('echo', $value)->await()));
        foreach (['', 0, -1, [], new \stdClass(), 'x'] as $v) {
            self::assertSame(json_encode($v), json_encode($s->call('echo', $v)->await()));
        }
        $bytes = implode('', array_map('chr', range(0, 255)));
        self::assertSame($bytes, $s->call('echo', Payload::raw($bytes))->await());
        self::assertNull($s->call('echo')->await());
        self::assertSame(5050, $s->call('sum', range(1, 100))->await());
        self::assertSame(9007199254740991, $s->call('sum', [9007199254740000, 991])->await());

        $progress = [];
        $listener = static function (mixed $p) use (&$progress): void {
            $progress[] = json_encode($p);
        };
        self::assertSame(3, $s->call('progress', ['n' => 3], onProgress: $listener)->await());
        self::assertSame(
            ['{"progress":1,"total":3}', '{"progress":2,"total":3}', '{"progress":3,"total":3}'],
            $progress,
        );
        self::assertSame(5, $s->call('progress', ['n' => 5])->await());

        $notes = [];
        $s->onNotification('conf/note', static function (mixed $p) use (&$notes): void {
            $notes[] = $p->i;
        });
        self::assertSame(10, $s->call('notify-back', ['n' => 10, 'method' => 'conf/note'])->await());
        self::assertSame(range(1, 10), $notes);
        for ($i = 1; $i <= 5; $i++) {
            $s->notify('conf/to-server', ['i' => $i]);
        }
        self::assertSame(
            '[{"i":1},{"i":2},{"i":3},{"i":4},{"i":5}]',
            json_encode($s->call('notes', ['method' => 'conf/to-server'])->await()),
        );

        self::assertSame(
            '{"from":"driver"}',
            json_encode($s->call('callback', ['method' => 'echo', 'params' => ['from' => 'driver']])->await()),
        );
        foreach ([[4001, 'custom'], [-32602, 'bad params'], [-33050, 'reserved future']] as [$code, $message]) {
            try {
                $s->call('fail', ['code' => $code, 'message' => $message])->await();
                self::fail('no exception');
            } catch (RemoteException $e) {
                self::assertSame([$code, $message], [$e->getCode(), $e->getMessage()]);
            }
        }

        $waiting = $s->call('wait-for-cancel', new \stdClass());
        $s->loop()->sleep(0.1);
        $waiting->cancel();
        try {
            $waiting->await();
            self::fail('no exception');
        } catch (CancelledException) {
        }
        try {
            $s->call('sleep', ['ms' => 5000], timeout: 0.2)->await();
            self::fail('no exception');
        } catch (DeadlineExceededException) {
        }
        self::assertSame('slept', $s->call('sleep', ['ms' => 10], timeout: 10.0)->await());
        $stats = null;
        for ($i = 0; $i < 300; $i++) {
            $stats = $s->call('stats', new \stdClass())->await();
            if ($stats->in_flight === 0 && $stats->cancelled + $stats->deadline_exceeded === 2) {
                break;
            }
            $s->loop()->sleep(0.01);
        }
        self::assertSame(0, $stats->in_flight);
        self::assertSame(2, $stats->cancelled + $stats->deadline_exceeded);

        self::assertSame('ok', $s->call('print-stray', ['text' => "parley-stray-check\n"])->await());
        self::assertSame('after stray', $s->call('echo', 'after stray')->await());
        self::assertSame("parley-stray-check\n", implode('', $this->stray));
        self::assertSame('ok', $s->call('print-echo', ['text' => 'parley-echo-check'])->await());
        self::assertSame('after echo', $s->call('echo', 'after echo')->await());

        $big = random_bytes(3 * 1048576);
        self::assertSame($big, $s->call('big-echo', Payload::raw($big))->await());
        $text = str_repeat('a', 65536);
        self::assertSame($text, $s->call('echo', $text, compression: 'deflate')->await());
        if ($s->peerAccepts('zstd')) {
            self::assertSame($text, $s->call('echo', $text, compression: 'zstd')->await());
        }
        self::assertGreaterThan(0.0, $s->ping('abc'));
        try {
            $s->call('no-such-method', new \stdClass())->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::MethodNotFound, $e->errorCode());
        }

        self::assertSame('bye', $s->call('shutdown', new \stdClass())->await());
        $s->closed()->await();
        self::assertTrue($s->closedCleanly(), 'the server\'s GOODBYE closed the session cleanly');
        if ($this->server !== null) {
            self::assertSame(0, $this->server->waitForExit(10), 'a listening server stops after shutdown');
        } else {
            $child = $s->transport();
            self::assertInstanceOf(ChildProcessTransport::class, $child);
            self::assertTrue($child->child()->waitForExit(10));
            self::assertSame(0, $child->child()->exitStatus());
        }
    }

    /** @dataProvider transports */
    public function testCrashFailsCallsWithPeerGone(string $transport): void
    {
        $s = $this->connect($transport);
        $sleeping = $s->call('sleep', ['ms' => 10000]);
        $crash = $s->call('crash', ['exit' => 3]);
        foreach ([$sleeping, $crash] as $call) {
            try {
                $call->await();
                self::fail('no exception');
            } catch (PeerGoneException $e) {
                if ($transport === 'stdio') {
                    self::assertSame(3, $e->exitStatus());
                    self::assertStringContainsString('crashing on purpose', $e->getMessage());
                }
            }
        }
        self::assertSame(SessionState::Closed, $s->state());
    }

    /** @dataProvider transports */
    public function testTokenAndLimitsFromTheCommandLine(string $transport): void
    {
        $s = $this->connect($transport, ['--token', 's3cret', '--max-frame', '16384', '--max-in-flight', '2']);
        try {
            $s->awaitOpen();
            self::fail('no exception');
        } catch (\Parley\Exception\ProtocolException $e) {
            self::assertSame(ErrorCode::AuthFailed, $e->errorCode());
        }
        $this->tearDown();
        $options = new SessionOptions(token: 's3cret', logger: static fn () => null);
        $loop = new EventLoop();
        $peer = dirname(__DIR__, 3) . '/conformance-tests/peers/php/bin/parley-peer';
        $args = ['--token', 's3cret', '--max-frame', '16384', '--max-in-flight', '2'];
        if ($transport === 'stdio') {
            $this->session = Ipc::spawn(
                array_merge([PHP_BINARY, $peer, 'serve', '--transport', 'stdio'], $args),
                $options,
                loop: $loop,
            );
        } else {
            $this->dir = new TempDir();
            $this->server = new PeerProcess(
                $transport,
                $transport === 'unix' ? $this->dir->path . '/p.sock' : '127.0.0.1:0',
                $args,
            );
            $this->session = Ipc::connect($this->server->address, $options, loop: $loop);
        }
        $this->session->awaitOpen();
        self::assertSame(16384, $this->session->peer()?->maxFrame);
        self::assertSame(2, $this->session->peer()?->maxInFlight);
        $big = str_repeat('z', 100000);
        self::assertSame($big, $this->session->call('echo', $big, compression: null)->await());
    }

    /** @dataProvider transports */
    public function testDriveRoleRunsThePairCasesAndReportsEachOnce(string $transport): void
    {
        $this->dir = new TempDir();
        $report = $this->dir->path . '/report.json';
        $peer = dirname(__DIR__, 3) . '/conformance-tests/peers/php/bin/parley-peer';
        $args = [
            PHP_BINARY,
            $peer,
            'drive',
            '--transport',
            $transport,
            '--report',
            $report,
            '--cases',
            'P-001,P-011,P-017,P-028,P-999',
        ];
        if ($transport === 'stdio') {
            $args[] = '--server';
            $args[] = escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($peer) . ' serve --transport stdio';
        } else {
            $this->server = new PeerProcess(
                $transport,
                $transport === 'unix' ? $this->dir->path . '/d.sock' : '127.0.0.1:0',
            );
            $args[] = '--connect';
            $args[] = (string) preg_replace('~^\w+://~', '', $this->server->address);
        }
        $process = proc_open($args, [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        self::assertIsResource($process);
        self::assertSame(0, proc_close($process));
        $result = json_decode((string) file_get_contents($report), true, 32, JSON_THROW_ON_ERROR);
        self::assertSame(['php', $transport, 'php'], [$result['impl'], $result['transport'], $result['server']]);
        $statuses = array_column($result['cases'], 'status', 'id');
        self::assertSame(
            ['P-001' => 'pass', 'P-011' => 'pass', 'P-017' => 'pass', 'P-028' => 'pass', 'P-999' => 'fail'],
            $statuses,
        );
        self::assertSame('unknown case', $result['cases'][4]['detail']);
    }

    public function testServerCommandLinesSplitLikeTheRunnerQuotesThem(): void
    {
        self::assertSame(
            ['php', '/a b/c', 'x"y', 'z w', "it's"],
            \Parley\Peer\ConformancePeer::splitCommandLine("php '/a b/c' \"x\\\"y\" z\\ w 'it'\\''s'"),
        );
    }
}
