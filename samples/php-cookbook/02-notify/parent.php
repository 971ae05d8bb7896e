<?php

// Fire-and-forget messages: no request id, no answer; the listener runs when one arrives.

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
$flushed = [];
$worker->onNotification('cache.flushed', function (array $p) use (&$flushed): void {
    echo "cache.flushed from worker {$p['worker_pid']}: " . implode(', ', $p['keys']) . "\n";
    $flushed[] = $p['keys'];
});

$worker->notify('cache.flush', ['keys' => ['users', 'orders']]);
$worker->notify('cache.flush', ['keys' => ['prices']]);

$deadline = microtime(true) + 5;
while (count($flushed) < 2 && microtime(true) < $deadline) {
    Ipc::sleep(0.01); // the loop runs (and listeners with it) while we wait
}
expect($flushed === [['users', 'orders'], ['prices']], 'both notifications, in order');

$worker->close();
echo "ok\n";
