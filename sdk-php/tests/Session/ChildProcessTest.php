<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Codec\Payload;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ErrorCode;
use Parley\Exception\PeerGoneException;
use Parley\Exception\SessionClosedException;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Session\SessionState;
use Parley\Transport\ChildProcessTransport;
use PHPUnit\Framework\TestCase;

/**
 * PHP parent ↔ PHP child over proc_open pipes (the child is tests/Fixtures/worker.php).
 */
final class ChildProcessTest extends TestCase
{
    /** @var list<Session> */
    private array $sessions = [];
    /** @var list<array{string, string}> */
    private array $logs = [];
    private EventLoop $loop;

    protected function setUp(): void
    {
        $this->loop = new EventLoop();
    }

    protected function tearDown(): void
    {
        foreach ($this->sessions as $session) {
            $transport = $session->transport();
            $session->abortNow('test finished');
            if ($transport instanceof ChildProcessTransport) {
                $transport->child()->signal(9);
                $transport->child()->waitForExit(5);
            }
        }
        $this->sessions = [];
    }

    private function spawn(?SessionOptions $options = null): Session
    {
        $options ??= new SessionOptions(logger: function (string $level, string $message): void {
            $this->logs[] = [$level, $message];
        });
        $session = Ipc::spawn(
            [PHP_BINARY, dirname(__DIR__) . '/Fixtures/worker.php'],
            $options,
            loop: $this->loop,
        );
        $this->sessions[] = $session;
        return $session;
    }

    private function child(Session $session): \Parley\Process\ChildProcess
    {
        $transport = $session->transport();
        self::assertInstanceOf(ChildProcessTransport::class, $transport);
        return $transport->child();
    }

    public function testSpawnSendsHelloAtOnceBeforeTheParentRunsItsLoop(): void
    {
        // A parent that spawns many children before running its loop (bench/children.php) must not
        // leave the first ones waiting for their HELLO (they time out after 10 s): the child here
        // records the first 24 bytes it reads while the parent never ticks its loop.
        $dir = new \Parley\Tests\Support\TempDir();
        $file = $dir->path . '/hello';
        $child = '$h = fread(STDIN, 24);'
            . ' file_put_contents($argv[1] . ".tmp", bin2hex(substr($h, 0, 4)) . " kind " . ord($h[5] ?? "\0"));'
            . ' rename($argv[1] . ".tmp", $argv[1]); fread(STDIN, 1);';
        try {
            $options = new SessionOptions(logger: static fn () => null);
            $session = Ipc::spawn([PHP_BINARY, '-r', $child, '--', $file], $options, loop: $this->loop);
            $this->sessions[] = $session;
            $until = microtime(true) + 10;
            while (!is_file($file) && microtime(true) < $until) {
                usleep(5000); // the loop is not ticked
            }
            self::assertFileExists($file, 'the child got no HELLO before the parent ran its loop');
            self::assertSame('fa50524c kind 1', file_get_contents($file));
        } finally {
            $dir->remove();
        }
    }

    public function testEveryMessageKindOverPipes(): void
    {
        $worker = $this->spawn();
        $worker->handle('parent.echo', static fn (mixed $p): mixed => ['parent' => $p]);
        $worker->awaitOpen();
        self::assertSame('test-worker', $worker->peer()?->name);
        // REQUEST / RESPONSE
        self::assertSame(['a' => 1.5, 'b' => [1, 2]], $worker->call('echo', ['a' => 1.5, 'b' => [1, 2]])->await());
        // ERROR
        try {
            $worker->call('missing')->await();
            self::fail('no exception');
        } catch (\Parley\Exception\RemoteException $e) {
            self::assertSame(ErrorCode::MethodNotFound, $e->errorCode());
        }
        // NOTIFICATION child → parent
        $notes = [];
        $worker->onNotification('note', static function (array $p) use (&$notes): void {
            $notes[] = $p['i'];
        });
        self::assertSame(3, $worker->call('notify-back', 3)->await());
        self::assertSame([1, 2, 3], $notes);
        // PROGRESS
        $progress = [];
        self::assertSame(2, $worker->call('progress', 2, onProgress: static function (array $p) use (&$progress): void {
            $progress[] = $p['progress'];
        })->await());
        self::assertSame([1, 2], $progress);
        // Nested call child → parent from inside the child's handler
        self::assertSame(
            ['parent' => 'x'],
            $worker->call('callback', ['method' => 'parent.echo', 'params' => 'x'])->await(),
        );
        // CANCEL
        $call = $worker->call('sleep', 10000);
        $this->loop->sleep(0.05);
        $call->cancel();
        $this->expectExceptionOnAwait($call, CancelledException::class);
        // PING / PONG
        self::assertGreaterThan(0.0, $worker->ping('hi'));
        // chunked raw bytes, larger than max_frame both ways
        $bytes = random_bytes(3 * 1048576 + 5);
        self::assertSame($bytes, $worker->call('bytes', Payload::raw($bytes))->await());
        // GOODBYE: the child exits 0
        $worker->close();
        self::assertTrue($worker->closedCleanly());
        self::assertSame(0, $this->child($worker)->exitStatus());
    }

    public function testPrintedOutputAndWarningsNeverCorruptFrames(): void
    {
        $worker = $this->spawn();
        self::assertSame('still fine', $worker->call('noisy')->await());
        self::assertSame('after', $worker->call('echo', 'after')->await());
        $info = array_values(
            array_map(
                static fn (array $l) => $l[1],
                array_filter($this->logs, static fn (array $l) => $l[0] === 'info'),
            ),
        );
        $text = implode("\n", $info);
        self::assertStringContainsString('echoed text', $text, 'echo became a $/log notification');
        self::assertStringContainsString('printed text', $text);
        self::assertStringContainsString('dumped', $text, 'var_dump was captured');
        self::assertStringContainsString('formatted', $text);
        foreach ($this->logs as [$level, $message]) {
            self::assertStringNotContainsString('stray', $message, 'nothing slipped through as stray bytes');
        }
        $worker->close();
        $tail = implode("\n", $this->child($worker)->stderrTail());
        self::assertStringContainsString('a user warning', $tail, 'PHP warnings go to stderr');
        self::assertStringContainsString('written to STDOUT', $tail, 'fwrite(STDOUT) is redirected to stderr');
        self::assertStringContainsString('from a subprocess', $tail, 'a subprocess writing to fd 1 is redirected too');
    }

    public function testAKilledChildFailsEveryPendingCallAtOnceWithTheReason(): void
    {
        $worker = $this->spawn();
        $pid = $worker->call('pid')->await();
        $calls = [];
        for ($i = 0; $i < 5; $i++) {
            $calls[] = $worker->call('sleep', 60000);
        }
        $this->loop->sleep(0.05);
        posix_kill($pid, SIGKILL);
        foreach ($calls as $call) {
            try {
                $call->await();
                self::fail('no exception');
            } catch (PeerGoneException $e) {
                self::assertSame(ErrorCode::PeerGone, $e->errorCode());
                self::assertSame(128 + 9, $e->exitStatus());
                self::assertStringContainsString('killed by signal 9', $e->getMessage());
            }
        }
        self::assertSame(SessionState::Closed, $worker->state());
        try {
            $worker->call('echo', 1)->await();
            self::fail('no exception');
        } catch (SessionClosedException $e) {
            self::assertSame(ErrorCode::SessionClosed, $e->errorCode());
        }
    }

    public function testAChildThatExitsMidCallReportsItsStatusAndStderr(): void
    {
        $worker = $this->spawn();
        $sleeping = $worker->call('sleep', 60000);
        $exit = $worker->call('exit', 3);
        foreach ([$sleeping, $exit] as $call) {
            try {
                $call->await();
                self::fail('no exception');
            } catch (PeerGoneException $e) {
                self::assertSame(3, $e->exitStatus());
                self::assertStringContainsString('exited with status 3', $e->getMessage());
                self::assertStringContainsString('exiting with 3', $e->getMessage());
                self::assertContains('exiting with 3', $e->stderrTail());
            }
        }
    }

    public function testTheChildExitsWhenItsStdinEnds(): void
    {
        $worker = $this->spawn();
        $worker->awaitOpen();
        $child = $this->child($worker);
        $child->closeStdin();
        self::assertTrue($child->waitForExit(10), 'no orphan: the worker exits on end of stdin');
        $worker->closed()->await();
        self::assertSame(SessionState::Closed, $worker->state());
    }

    public function testParentAndChildCallEachOtherAtOnce(): void
    {
        $worker = $this->spawn();
        $worker->handle('square', static fn (int $i): int => $i * $i);
        $calls = [];
        for ($i = 1; $i <= 50; $i++) {
            $calls[$i] = $worker->call('callback', ['method' => 'square', 'params' => $i]);
        }
        foreach ($calls as $i => $call) {
            self::assertSame($i * $i, $call->await());
        }
    }

    public function testDeadlinePropagatesToTheChild(): void
    {
        $worker = $this->spawn();
        $this->expectException(DeadlineExceededException::class);
        try {
            $worker->call('sleep', 5000, timeout: 0.1)->await();
        } finally {
            for ($i = 0; $i < 200 && ($worker->call('stats')->await()['in_flight'] ?? 1) > 1; $i++) {
                $this->loop->sleep(0.01);
            }
            self::assertSame(1, $worker->call('stats')->await()['in_flight'], 'only the stats call itself');
        }
    }

    public function testSeveralWorkersInParallel(): void
    {
        $workers = [];
        for ($i = 0; $i < 4; $i++) {
            $workers[] = $this->spawn();
        }
        $calls = [];
        foreach ($workers as $n => $worker) {
            $calls[$n] = $worker->call('sleep', 200);
        }
        $pids = [];
        foreach ($workers as $worker) {
            $pids[] = $worker->call('pid')->await();
        }
        foreach ($calls as $call) {
            self::assertSame('slept', $call->await());
        }
        self::assertCount(4, array_unique($pids));
    }

    private function expectExceptionOnAwait(\Parley\Session\Call $call, string $class): void
    {
        try {
            $call->await();
            self::fail('no exception');
        } catch (\Throwable $e) {
            self::assertInstanceOf($class, $e);
        }
    }
}
