<?php

// A non-blocking monitor: starts a background job, then goes on with its own work; status updates
// are handled by listeners whenever the loop runs.

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
$statuses = 0;
$done = false;
$worker->onNotification('job.status', function (array $s) use (&$statuses): void {
    echo "  status: {$s['job']} step {$s['step']}/{$s['of']}\n";
    $statuses++;
});
$worker->onNotification('job.done', function (array $s) use (&$done): void {
    echo "  done: {$s['job']}\n";
    $done = true;
});

$accepted = $worker->call('job.start', ['job' => 'nightly-report', 'steps' => 6])->await();
echo "job.start: $accepted\n";

// The monitor's own work goes on; each short wait lets the loop deliver what arrived.
$ownWork = 0;
$deadline = microtime(true) + 10;
while (!$done && microtime(true) < $deadline) {
    $ownWork++;
    Ipc::sleep(0.01);
}
echo "monitor did $ownWork slices of its own work meanwhile\n";
expect($done && $statuses === 6, 'six status updates, then done');
expect($ownWork > 6, 'the monitor was never blocked by the job');

$worker->close();
echo "ok\n";
