<?php

declare(strict_types=1);

namespace Parley\Tests\Loop;

use Fiber;
use Parley\Ipc;
use Parley\Loop\AmpV2Adapter;
use Parley\Loop\EventLoop;
use Parley\Session\Call;
use Parley\Session\Session;
use Parley\Transport\ChildProcessTransport;
use PHPUnit\Framework\TestCase;

/**
 * Running Parley inside the application's own loop or Fibers (issue 14, point 3): a foreign Fiber
 * is suspended by await(), completion callbacks, a bounded tick(), sessions on streams the
 * application opened, and the AMPHP v2 adapter. The worker is tests/Fixtures/worker.php.
 */
final class HostLoopTest extends TestCase
{
    private const WORKER = __DIR__ . '/../Fixtures/worker.php';
    private const AMP_AUTOLOAD = '/usr/share/php/Amp/autoload.php';

    /** @var list<Session> */
    private array $sessions = [];

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

    private function spawn(EventLoop $loop): Session
    {
        $session = Ipc::spawn([PHP_BINARY, self::WORKER], loop: $loop);
        $this->sessions[] = $session;
        return $session;
    }

    public function testAwaitInsideAForeignFiberSuspendsItAndSiblingsRun(): void
    {
        $loop = new EventLoop();
        $worker = $this->spawn($loop);
        $log = [];
        $caller = new Fiber(static function () use ($worker, &$log): void {
            $log[] = 'answer ' . $worker->call('sleep', 200)->await();
        });
        $sibling = new Fiber(static function () use (&$log, $caller): void {
            while (!$caller->isTerminated()) {
                $log[] = 'sibling';
                Fiber::suspend();
            }
        });
        // A minimal round-robin scheduler of the application: it owns both Fibers.
        $caller->start();
        $sibling->start();
        $rounds = 0;
        while (!$caller->isTerminated() && $rounds++ < 100_000) {
            $caller->resume();
            if (!$sibling->isTerminated()) {
                $sibling->resume();
            }
            usleep(500);
        }
        self::assertTrue($caller->isTerminated());
        self::assertSame('answer slept', end($log));
        self::assertContains('sibling', array_slice($log, 0, -1), 'the sibling ran while the call was pending');
    }

    public function testOnCompleteAndThenAreCalledWithoutPolling(): void
    {
        $loop = new EventLoop();
        $worker = $this->spawn($loop);
        $seen = [];
        $ok = $worker->call('echo', 'hi')->then(static function (mixed $r) use (&$seen): void {
            $seen[] = "result $r";
        });
        $failed = $worker->call('no-such-method')->then(
            static fn () => null,
            static function (\Throwable $e) use (&$seen): void {
                $seen[] = 'error ' . $e::class;
            },
        );
        $completed = null;
        $ok->onComplete(static function (Call $c) use (&$completed): void {
            $completed = $c;
        });
        while (count($seen) < 2 || $completed === null) {
            self::assertTrue($loop->tick(true, 1.0));
        }
        sort($seen);
        self::assertSame(['error Parley\Exception\RemoteException', 'result hi'], $seen);
        self::assertSame($ok, $completed);
    }

    public function testTickWaitsAtMostTheGivenTime(): void
    {
        $loop = new EventLoop();
        $fired = false;
        $loop->delay(3600, static function () use (&$fired): void {
            $fired = true;
        });
        // Returns although the only timer is an hour away (without the bound it would wait for it).
        self::assertTrue($loop->tick(true, 0.01));
        self::assertFalse($fired);
    }

    public function testStopEndsRunWithWatchersStillRegistered(): void
    {
        $loop = new EventLoop();
        $count = 0;
        $loop->repeat(0.001, static function () use ($loop, &$count): void {
            if (++$count === 3) {
                $loop->stop();
            }
        });
        $loop->run();
        self::assertSame(3, $count);
        // The repeat timer is still there: another run goes on with it.
        $loop->delay(0.05, static fn () => $loop->stop());
        $loop->run();
        self::assertGreaterThan(3, $count);
    }

    public function testFromStreamsSharesTheLoopOfSpawn(): void
    {
        $process = proc_open([PHP_BINARY, self::WORKER], [['pipe', 'r'], ['pipe', 'w'], ['pipe', 'w']], $pipes);
        self::assertIsResource($process);
        $lines = [];
        $onLine = static function (string $l) use (&$lines): void {
            $lines[] = $l;
        };
        $session = Ipc::fromStreams($pipes[1], $pipes[0], $pipes[2], onStderrLine: $onLine);
        try {
            self::assertSame(EventLoop::get(), $session->loop());
            self::assertSame(['x' => 1], $session->call('echo', ['x' => 1])->await());
            $session->call('exit', 0)->onComplete(static fn () => null);
            $deadline = microtime(true) + 10;
            while (!in_array('exiting with 0', $lines, true) && microtime(true) < $deadline) {
                $session->loop()->tick(true, 0.05);
            }
            self::assertContains('exiting with 0', $lines);
        } finally {
            $session->abortNow('test finished');
            proc_terminate($process, 9);
            proc_close($process);
        }
        // proc_close() closed the stderr stream the shared loop still watched: the loop drops it and goes on
        EventLoop::get()->tick(false);
        EventLoop::get()->tick(false);
    }

    public function testAHostAmpTimerKeepsTickingDuringACall(): void
    {
        if (!is_file(self::AMP_AUTOLOAD)) {
            self::markTestSkipped(
                'AMPHP v2 is not installed (Debian: apt-get install php-amphp-amp); the adapter is not tested',
            );
        }
        require_once self::AMP_AUTOLOAD;
        // Debian's class map does not load the function files.
        require_once dirname(self::AMP_AUTOLOAD) . '/functions.php';
        require_once dirname(self::AMP_AUTOLOAD) . '/Internal/functions.php';
        $loop = new EventLoop();
        $worker = $this->spawn($loop);
        $ticks = 0;
        $ticksDuringCall = null;
        $result = null;
        \Amp\Loop::run(function () use ($loop, $worker, &$ticks, &$ticksDuringCall, &$result) {
            $timer = \Amp\Loop::repeat(10, static function () use (&$ticks): void {
                $ticks++;
            });
            $adapter = new AmpV2Adapter();
            $adapter->attach($loop);
            $start = $ticks;
            $result = yield $adapter->promise($worker->call('sleep', 300));
            $ticksDuringCall = $ticks - $start;
            \Amp\Loop::cancel($timer);
            $adapter->detach();
        });
        self::assertSame('slept', $result);
        self::assertGreaterThan(0, $ticksDuringCall, 'the host timer ran while the call was pending');
    }
}
