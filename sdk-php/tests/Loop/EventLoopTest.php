<?php

declare(strict_types=1);

namespace Parley\Tests\Loop;

use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use PHPUnit\Framework\TestCase;

final class EventLoopTest extends TestCase
{
    public function testTimersRunInDueOrderAndCanBeCancelled(): void
    {
        $loop = new EventLoop();
        $order = [];
        $loop->delay(0.03, static function () use (&$order): void {
            $order[] = 'c';
        });
        $loop->delay(0.01, static function () use (&$order): void {
            $order[] = 'a';
        });
        $cancelled = $loop->delay(0.02, static function () use (&$order): void {
            $order[] = 'never';
        });
        $loop->delay(0.02, static function () use (&$order): void {
            $order[] = 'b';
        });
        $loop->cancel($cancelled);
        $loop->run();
        self::assertSame(['a', 'b', 'c'], $order);
    }

    public function testRepeatingTimerAndDefer(): void
    {
        $loop = new EventLoop();
        $ticks = 0;
        $key = 0;
        $key = $loop->repeat(0.001, static function () use (&$ticks, &$key, $loop): void {
            if (++$ticks === 3) {
                $loop->cancel($key);
            }
        });
        $deferred = false;
        $loop->defer(static function () use (&$deferred): void {
            $deferred = true;
        });
        $loop->run();
        self::assertSame(3, $ticks);
        self::assertTrue($deferred);
    }

    public function testFibersAwaitWhilePlainCodeDrivesTheLoop(): void
    {
        $loop = new EventLoop();
        $first = new Deferred($loop);
        $second = new Deferred($loop);
        $log = [];
        $loop->async(static function () use ($first, &$log): void {
            $log[] = 'task waits';
            $log[] = 'task got ' . $first->await();
        });
        $loop->delay(0.01, static fn () => $first->resolve('one'));
        $loop->delay(0.02, static fn () => $second->resolve('two'));
        $log[] = 'main got ' . $second->await();
        self::assertSame(['task waits', 'task got one', 'main got two'], $log);
    }

    public function testFailuresAreThrownToTheAwaiter(): void
    {
        $loop = new EventLoop();
        $deferred = new Deferred($loop);
        $loop->delay(0.001, static fn () => $deferred->fail(new \DomainException('nope')));
        $this->expectException(\DomainException::class);
        $deferred->await();
    }

    public function testAwaitingWhatNothingCanCompleteFailsInsteadOfHanging(): void
    {
        $loop = new EventLoop();
        $this->expectException(\LogicException::class);
        (new Deferred($loop))->await();
    }

    public function testSleepInsideAFiberDoesNotBlockOtherFibers(): void
    {
        $loop = new EventLoop();
        $order = [];
        $loop->async(static function () use ($loop, &$order): void {
            $loop->sleep(0.02);
            $order[] = 'slow';
        });
        $loop->async(static function () use ($loop, &$order): void {
            $loop->sleep(0.001);
            $order[] = 'fast';
        });
        $loop->run();
        self::assertSame(['fast', 'slow'], $order);
    }

    public function testALateRepeatTimerRunsOnceATickInsteadOfCatchingUp(): void
    {
        $loop = new EventLoop();
        $count = 0;
        $loop->repeat(0.001, static function () use (&$count): void {
            $count++;
        });
        usleep(20_000); // the loop comes back 20 intervals late (a long callback, a loaded host)
        $loop->tick(false);
        self::assertSame(1, $count, 'missed runs are skipped, not burst into one tick');
    }
}
