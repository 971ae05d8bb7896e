<?php

declare(strict_types=1);

namespace Parley\Tests\Loop;

use Parley\Ipc;
use Parley\Loop\AmpV2Adapter;
use Parley\Loop\EventLoop;
use Parley\Session\Call;
use Parley\Session\Session;
use Parley\Transport\ChildProcessTransport;
use PHPUnit\Framework\TestCase;

/**
 * The AMPHP v2 adapter against a stand-in driver ({@see FakeAmpDriver}, no AMPHP needed): Parley's
 * streams are registered with the host loop and its wake-ups become defer/delay watchers, nothing
 * polls (issue 14, point 3), and detaching or closing withdraws every watcher.
 */
final class AmpV2AdapterTest extends TestCase
{
    private const WORKER = __DIR__ . '/../Fixtures/worker.php';

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

    public function testCallsCompleteDrivenByStreamReadinessAlone(): void
    {
        $loop = new EventLoop();
        $host = new FakeAmpDriver();
        $adapter = new AmpV2Adapter($host);
        $adapter->attach($loop);
        $worker = $this->spawn($loop);
        self::assertGreaterThan(0, $host->streamWatchers('read'), 'the session\'s streams are watched by the host');

        $results = [];
        foreach (['sleep' => 150, 'echo' => 'hi'] as $method => $params) {
            $worker->call($method, $params)->onComplete(static function (Call $call) use (&$results): void {
                $results[] = $call->await();
            });
        }
        // The fake loop never polls: it waits in select() on the registered streams, or for a wake-up.
        $host->run(static function () use (&$results): bool {
            return count($results) === 2;
        });
        sort($results);
        self::assertSame(['hi', 'slept'], $results);
        self::assertArrayNotHasKey('repeat', $host->calls);
    }

    public function testParleyTimersBecomeHostDelays(): void
    {
        $loop = new EventLoop();
        $host = new FakeAmpDriver();
        (new AmpV2Adapter($host))->attach($loop);
        $fired = [];
        $loop->delay(0.05, static function () use (&$fired): void {
            $fired[] = 'later';
        });
        $loop->defer(static function () use (&$fired): void {
            $fired[] = 'soon';
        });
        $host->run(static function () use (&$fired): bool {
            return count($fired) === 2;
        });
        self::assertSame(['soon', 'later'], $fired);
        self::assertGreaterThan(0, $host->calls['delay'] ?? 0);
    }

    public function testDetachAndCloseWithdrawEveryStreamWatcher(): void
    {
        $loop = new EventLoop();
        $host = new FakeAmpDriver();
        $adapter = new AmpV2Adapter($host);
        $worker = $this->spawn($loop);
        // Attaching after the session exists announces the streams already registered.
        $adapter->attach($loop);
        $registered = $host->streamWatchers('read');
        self::assertGreaterThan(0, $registered);
        $adapter->detach();
        self::assertSame(0, $host->streamWatchers('read') + $host->streamWatchers('write'));
        self::assertSame([], $host->watchers, 'no defer or delay watcher is left behind either');

        $adapter->attach($loop);
        self::assertSame($registered, $host->streamWatchers('read'));
        $done = false;
        $worker->call('echo', 1)->onComplete(static function () use (&$done): void {
            $done = true;
        });
        $host->run(static function () use (&$done): bool {
            return $done;
        });
        $worker->abortNow('closed by the test');
        $host->run(static fn (): bool => $worker->isClosed());
        $left = $host->streamWatchers('read') + $host->streamWatchers('write');
        self::assertSame(0, $left, 'a closed session leaves no watcher in the host');
    }
}
