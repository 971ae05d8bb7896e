<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Process\WorkerPool;
use Parley\Session\SessionOptions;
use PHPUnit\Framework\TestCase;

final class WorkerPoolTest extends TestCase
{
    public function testCallsSpreadOverWorkersAndADeadWorkerIsReplaced(): void
    {
        $loop = new EventLoop();
        $pool = new WorkerPool(
            [PHP_BINARY, dirname(__DIR__) . '/Fixtures/worker.php'],
            3,
            new SessionOptions(logger: static fn () => null),
            loop: $loop,
        );
        try {
            $calls = [];
            for ($i = 0; $i < 6; $i++) {
                $calls[] = $pool->call('sleep', 100);
            }
            $pids = [];
            foreach ($pool->workers() as $worker) {
                $pids[] = $worker->call('pid')->await();
            }
            self::assertCount(3, array_unique($pids));
            self::assertSame(array_fill(0, 6, 'slept'), Ipc::awaitAll($calls));

            posix_kill($pids[0], SIGKILL);
            $pool->workers()[0]->closed()->await();
            $seen = [];
            for ($i = 0; $i < 6; $i++) {
                $seen[] = $pool->call('pid')->await();
            }
            self::assertNotContains($pids[0], $seen);
            self::assertCount(3, $pool->workers());
        } finally {
            $pool->close();
        }
        foreach ($pool->workers() as $worker) {
            self::assertTrue($worker->closedCleanly());
        }
    }
}
