<?php

// Receives every notification of a script-style worker, including the ones it sent just before
// its script ended; the session then closes cleanly.

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
$steps = [];
$worker->onNotification('step.done', function (array $p) use (&$steps): void {
    echo "  step {$p['step']} done\n";
    $steps[] = $p['step'];
});
$worker->closed()->await();

expect($steps === [1, 2, 3, 4, 5, 6], '6 of 6 notifications from a worker whose script just ends');
expect($worker->closedCleanly(), 'the worker closed with GOODBYE at the end of its script');
echo "ok\n";
