<?php

/**
 * A PHP parent supervising many stdio children on the epoll poller (issue 12 point 1's goal: 300
 * children): starts them, calls each once concurrently, then one after the other three times, and
 * closes them; prints the times. Same-run floor: run it with 10 children first.
 *
 *   php bench/children.php 10 && php bench/children.php 300
 *
 * The loop is not run while spawning: spawn() writes the HELLO at once, so a child does not wait
 * for it (a child waits at most its handshake timeout, 10 s, and starting hundreds of PHP processes
 * takes longer).
 */

declare(strict_types=1);

use Parley\Loop\EpollPoller;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\SessionOptions;

require __DIR__ . '/../src/autoload.php';

$n = (int) ($argv[1] ?? 300);
$poller = EpollPoller::create();
if ($poller === null) {
    fwrite(STDERR, "epoll needs Linux and ext-ffi\n");
    exit(1);
}
$loop = new EventLoop($poller);
$worker = __DIR__ . '/../tests/Fixtures/worker.php';
$options = new SessionOptions(logger: static fn () => null);
$t0 = hrtime(true);
$sessions = [];
for ($i = 0; $i < $n; $i++) {
    $sessions[] = Ipc::spawn([PHP_BINARY, $worker], $options, loop: $loop);
}
foreach ($sessions as $session) {
    $session->awaitOpen();
}
$t1 = hrtime(true);
$calls = [];
foreach ($sessions as $i => $session) {
    $calls[] = $session->call('echo', $i);
}
foreach ($calls as $i => $call) {
    if ($call->await() !== $i) {
        throw new RuntimeException("child $i answered wrongly");
    }
}
$t2 = hrtime(true);
$latencies = [];
for ($round = 0; $round < 3; $round++) {
    foreach ($sessions as $i => $session) {
        $start = hrtime(true);
        $session->call('echo', $i)->await();
        $latencies[] = (hrtime(true) - $start) / 1e3;
    }
}
sort($latencies);
$t3 = hrtime(true);
foreach ($sessions as $session) {
    $session->close(wait: false);
}
$open = $n;
$deadline = microtime(true) + 60;
while ($open > 0 && microtime(true) < $deadline) {
    $open = count(array_filter($sessions, static fn ($s) => !$s->closed()->isDone()));
    $loop->tick(false);
    usleep(1000);
}
$t4 = hrtime(true);
printf(
    "children=%d start+handshake=%.0f ms, one concurrent call each=%.1f ms, sequential call p50=%.0f us "
    . "p99=%.0f us, close all=%.0f ms (%d still open)\n",
    $n,
    ($t1 - $t0) / 1e6,
    ($t2 - $t1) / 1e6,
    $latencies[(int) (count($latencies) * 0.5)],
    $latencies[(int) (count($latencies) * 0.99)],
    ($t4 - $t3) / 1e6,
    $open,
);
