<?php

declare(strict_types=1);

namespace Parley\Tests\Process;

use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Tests\Support\ProcessTable;
use Parley\Tests\Support\TempDir;
use PHPUnit\Framework\TestCase;

/**
 * No orphans (SPEC §9.1): a PHP parent (Ipc::spawn or a WorkerPool) is SIGKILLed while its
 * worker spins in a CPU loop or blocks in sleep() with a grandchild running: the worker, its
 * watchdog and the grandchild are all gone soon after (polled for at most 10 s; the time it took is
 * printed, not asserted). Run with FFI (pdeathsig + watchdog) and without (the watchdog alone).
 */
final class ParentWatchTest extends TestCase
{
    private const FIXTURES = __DIR__ . '/../Fixtures';

    /** @var list<int> */
    private array $leftovers = [];

    protected function setUp(): void
    {
        if (PHP_OS_FAMILY !== 'Linux' || !function_exists('pcntl_fork') || !function_exists('posix_kill')) {
            self::markTestSkipped('needs Linux with ext-pcntl and ext-posix');
        }
    }

    protected function tearDown(): void
    {
        foreach ($this->leftovers as $pid) {
            @posix_kill($pid, 9);
        }
    }

    /** @return iterable<string, array{string, string, list<string>, string}> */
    public static function cases(): iterable
    {
        $ffi = extension_loaded('ffi') ? 'pdeathsig' : 'watchdog';
        yield 'spawn, CPU loop' => ['spawn', 'spin', [], $ffi];
        yield 'spawn, blocking sleep()' => ['spawn', 'block', [], $ffi];
        yield 'pool, CPU loop' => ['pool', 'spin', [], $ffi];
        yield 'pool, blocking sleep()' => ['pool', 'block', [], $ffi];
        yield 'spawn, CPU loop, FFI off' => ['spawn', 'spin', ['-d', 'ffi.enable=0'], 'watchdog'];
        yield 'spawn, blocking sleep(), FFI off' => ['spawn', 'block', ['-d', 'ffi.enable=0'], 'watchdog'];
    }

    /**
     * @dataProvider cases
     * @param list<string> $workerPhpArgs
     */
    public function testWorkerAndGrandchildDieWithAKilledPhpParent(
        string $kind,
        string $mode,
        array $workerPhpArgs,
        string $expectedMechanism,
    ): void {
        $temp = new TempDir();
        $dir = $temp->path;
        $pidfile = "$dir/pids";
        $parent = proc_open(
            [PHP_BINARY, self::FIXTURES . '/orphan-parent.php', $kind, $mode, $pidfile, ...$workerPhpArgs],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', "$dir/stderr", 'w']],
            $pipes,
        );
        self::assertIsResource($parent);
        $parentPid = proc_get_status($parent)['pid'];
        $deadline = microtime(true) + 10;
        while (!is_file($pidfile) && microtime(true) < $deadline && proc_get_status($parent)['running']) {
            usleep(10_000);
        }
        $stderr = (string) @file_get_contents("$dir/stderr");
        self::assertFileExists($pidfile, "the worker never reached its handler; stderr: $stderr");
        [$pids, $watch] = explode("\n", (string) file_get_contents($pidfile));
        [$worker, $grandchild] = array_map('intval', explode(' ', $pids));
        $tree = ProcessTable::descendants($parentPid);
        $this->leftovers = $tree;
        self::assertContains($worker, $tree);
        self::assertContains($grandchild, $tree);
        self::assertStringContainsString($expectedMechanism, $watch);
        self::assertStringContainsString('watchdog pid', $watch, 'the watchdog covers the grandchildren');
        if (in_array('ffi.enable=0', $workerPhpArgs, true)) {
            self::assertStringNotContainsString('pdeathsig (', $watch, 'FFI is off: the fallback alone');
        }
        usleep(200_000); // the worker is now deep in its loop or sleep()

        $killed = microtime(true);
        proc_terminate($parent, 9);
        $running = ProcessTable::awaitGone($tree, 10.0);
        $took = microtime(true) - $killed;
        proc_close($parent);

        self::assertSame([], $running, "still running 10 s after the parent was killed: " . implode(', ', $running));
        fwrite(STDERR, sprintf(
            "\n  [orphans] PHP parent (%s, %s%s): %d processes gone %.0f ms after SIGKILL\n",
            $kind,
            $mode,
            $workerPhpArgs === [] ? '' : ', ' . implode(' ', $workerPhpArgs),
            count($tree),
            $took * 1000,
        ));
        $temp->remove();
    }

    public function testAWorkerThatExitsTakesTheChildrenItLeftWithIt(): void
    {
        $worker = Ipc::spawn([PHP_BINARY, self::FIXTURES . '/orphan-worker.php'], loop: new EventLoop());
        $grandchild = $worker->call('grandchild')->await();
        $this->leftovers = [$grandchild];
        self::assertTrue(ProcessTable::isRunning($grandchild));

        $worker->close();

        self::assertSame([], ProcessTable::awaitGone([$grandchild], 10.0), 'the watchdog killed the leftover child');
    }
}
