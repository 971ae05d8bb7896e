<?php

declare(strict_types=1);

namespace Parley\Tests\Loop;

use Parley\Loop\AdaptivePoller;
use Parley\Loop\EpollPoller;
use Parley\Loop\EventLoop;
use Parley\Loop\Poller;
use Parley\Loop\StreamSelectPoller;
use PHPUnit\Framework\TestCase;

/**
 * A stream closed while the loop watches it (the application's proc_close() of a child whose
 * stderr Parley reads, issue 14): its watcher runs once, so the reader sees the end, and is then
 * dropped; the loop goes on with its other streams instead of failing in select().
 */
final class ClosedStreamTest extends TestCase
{
    /** @return iterable<string, array{\Closure(): ?Poller}> */
    public static function pollers(): iterable
    {
        yield 'stream_select' => [static fn (): ?Poller => new StreamSelectPoller()];
        yield 'epoll' => [static fn (): ?Poller => EpollPoller::create()];
        yield 'adaptive' => [static fn (): ?Poller => EpollPoller::create() !== null ? new AdaptivePoller() : null];
    }

    /**
     * @dataProvider pollers
     * @param \Closure(): ?Poller $make
     */
    public function testAClosedStreamIsReportedOnceAndDropped(\Closure $make): void
    {
        $poller = $make();
        if ($poller === null) {
            self::markTestSkipped('this poller needs FFI on Linux');
        }
        $loop = new EventLoop($poller);
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        [$c, $d] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $closedCalls = 0;
        $loop->onReadable($a, static function () use (&$closedCalls): void {
            $closedCalls++;
        });
        $otherData = '';
        $loop->onReadable($c, static function () use ($c, &$otherData): void {
            $otherData .= (string) fread($c, 100);
        });
        fclose($a); // closed under the loop, its watcher still registered
        fwrite($d, 'still served');

        for ($i = 0; $i < 5 && $otherData === ''; $i++) {
            $loop->tick(true, 0.5);
        }
        self::assertSame('still served', $otherData, 'the other stream is served');
        self::assertSame(1, $closedCalls, 'the closed stream\'s watcher ran once (its reader sees the end)');
        $loop->tick(false);
        self::assertSame(1, $closedCalls, 'and was dropped');
        fclose($c);
        fclose($b);
        fclose($d);
    }
}
