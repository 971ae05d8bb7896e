<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Exception\PeerGoneException;
use Parley\Ipc;
use Parley\Loop\EventLoop;
use Parley\Process\WorkerPool;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Tests\Support\SessionPair;
use Parley\Transport\ChildProcessTransport;
use PHPUnit\Framework\TestCase;

/**
 * The SDK as PHP developers use it (issue 14): blocking handlers, script-style workers, sending
 * before the handshake, diagnostics of a worker that dies or forgets run(). The worker is
 * tests/Fixtures/dx-worker.php.
 */
final class DeveloperExperienceTest extends TestCase
{
    /** @var list<Session> */
    private array $sessions = [];
    /** @var list<array{string, string}> */
    private array $logs = [];
    private EventLoop $loop;
    private string $stray = '';

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

    /** @param list<string> $command */
    private function spawn(array $command): Session
    {
        $session = Ipc::spawn(
            $command,
            new SessionOptions(
                logger: function (string $level, string $message): void {
                    $this->logs[] = [$level, $message];
                },
                onStray: function (string $bytes): void {
                    $this->stray .= $bytes;
                },
            ),
            loop: $this->loop,
        );
        $this->sessions[] = $session;
        return $session;
    }

    private function worker(string $mode = 'serve'): Session
    {
        return $this->spawn([PHP_BINARY, dirname(__DIR__) . '/Fixtures/dx-worker.php', $mode]);
    }

    /** @return list<string> */
    private function warnings(): array
    {
        return array_values(array_map(
            static fn (array $log): string => $log[1],
            array_filter($this->logs, static fn (array $log): bool => $log[0] === 'warning'),
        ));
    }

    public function testProgressAndNotificationsFromBlockingHandlerArriveWhileItBlocks(): void
    {
        // The handler sends progress 1 and a notification, then blocks (no loop) until the parent
        // creates the gate file. The parent only creates it when progress 1 has arrived: if
        // progress waited for the handler to return, the handler would never be released.
        $gate = sys_get_temp_dir() . '/parley-gate-' . getmypid() . '-' . bin2hex(random_bytes(4));
        $events = [];
        $worker = $this->worker();
        $worker->onNotification('step', static function (mixed $step) use (&$events): void {
            $events[] = "notify $step";
        });
        try {
            $onProgress = static function (mixed $p) use (&$events, $gate): void {
                $events[] = "progress $p";
                if ($p === 1) {
                    touch($gate);
                }
            };
            $result = $worker->call('blocking', $gate, onProgress: $onProgress)->await();
        } finally {
            @unlink($gate);
        }
        self::assertSame('released by the parent', $result);
        self::assertSame(['progress 1', 'notify 1', 'progress 2'], $events);
    }

    public function testABurstOfNotificationsIsDeliveredWhole(): void
    {
        // Notifications within the eager-write interval are coalesced: they must still go out.
        $pair = new SessionPair();
        try {
            $got = [];
            $pair->server->onNotification('n', static function (int $i) use (&$got): void {
                $got[] = $i;
            });
            $pair->client->awaitOpen();
            $pair->server->awaitOpen();
            for ($i = 1; $i <= 5; $i++) {
                $pair->client->notify('n', $i);
            }
            $deadline = microtime(true) + 5;
            while (count($got) < 5 && microtime(true) < $deadline) {
                $pair->loop->tick(true, 0.05);
            }
            self::assertSame([1, 2, 3, 4, 5], $got);
        } finally {
            $pair->dispose();
        }
    }

    public function testScriptStyleWorkerLosesNothingAtScriptEnd(): void
    {
        $ticks = [];
        $worker = $this->worker('script');
        $worker->onNotification('tick', static function (mixed $i) use (&$ticks): void {
            $ticks[] = $i;
        });
        $worker->closed()->await();
        self::assertSame([1, 2, 3, 4, 5, 6], $ticks);
        self::assertTrue($worker->closedCleanly(), (string) $worker->closeReason()?->getMessage());
        self::assertTrue($worker->isClosed());
    }

    public function testNotifyBeforeTheHandshakeQueuesLikeCall(): void
    {
        $worker = $this->worker();
        self::assertFalse($worker->isOpen());
        // A codec the peer has not announced yet: encoded once its HELLO is there.
        $worker->notify('php-note', ['typed' => true], codec: 'php');
        self::assertSame(['typed' => true], $worker->call('php-note')->await());
        self::assertFalse($worker->isClosed());
    }

    public function testWorkerThatForgetsRunGetsAHintAndNoSessionClosedWarning(): void
    {
        // A script that does not speak Parley at all (or never opens its session) and exits 0.
        $worker = $this->spawn([PHP_BINARY, '-r', 'usleep(100000); exit(0);']);
        $call = $worker->call('anything');
        try {
            $call->await();
            self::fail('the call cannot succeed');
        } catch (PeerGoneException $e) {
            self::assertStringContainsString('did the worker call run()?', $e->getMessage());
        }
        // The application observed the close (its call failed): no warning on top of it.
        $closed = array_filter($this->warnings(), static fn (string $m): bool => str_starts_with($m, 'session closed'));
        self::assertSame([], $closed);
    }

    public function testChildsStrayStdoutIsInTheExceptionReportingItsDeath(): void
    {
        $worker = $this->spawn([PHP_BINARY, '/nonexistent/parley-worker-' . getmypid() . '.php']);
        try {
            $worker->call('anything')->await();
            self::fail('the call cannot succeed');
        } catch (PeerGoneException $e) {
            self::assertStringContainsString('Could not open input file', $e->getMessage());
            self::assertStringNotContainsString('did the worker call run()?', $e->getMessage());
        }
    }

    public function testStrayByteWarningsAreRateLimited(): void
    {
        $worker = $this->spawn([
            PHP_BINARY,
            '-r',
            'for ($i = 0; $i < 30; $i++) { echo "junk line $i\n"; flush(); usleep(3000); } sleep(30);',
        ]);
        $deadline = microtime(true) + 10;
        while (!str_contains($this->stray, 'junk line 29')) {
            if (microtime(true) > $deadline) {
                break;
            }
            $this->loop->sleep(0.02);
        }
        $stray = array_filter($this->warnings(), static fn (string $m): bool => str_contains($m, 'stray bytes'));
        self::assertNotEmpty($stray);
        self::assertLessThanOrEqual(4, count($stray), implode("\n", $stray));
        $worker->abortNow('done');
    }

    public function testWorkerPoolTellsEachWorkerItsIndex(): void
    {
        $started = [];
        $pool = new WorkerPool(
            [PHP_BINARY, dirname(__DIR__) . '/Fixtures/dx-worker.php', 'serve'],
            3,
            onStart: static function (Session $session, int $index) use (&$started): void {
                $started[] = $index;
            },
            loop: $this->loop,
        );
        try {
            self::assertSame([0, 1, 2], $started);
            $indexes = array_map(static fn (Session $w): string => $w->call('index')->await(), $pool->workers());
            self::assertSame(['0', '1', '2'], $indexes);
        } finally {
            $pool->close();
        }
    }
}
