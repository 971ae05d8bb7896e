<?php

// N parallel workers: a WorkerPool sends each call to the least busy worker; all are in flight at once.

declare(strict_types=1);

use Parley\Ipc;
use Parley\Process\WorkerPool;

require __DIR__ . '/../common.php';

$workers = (int) ($argv[1] ?? 3);
$pool = new WorkerPool([PHP_BINARY, __DIR__ . '/worker.php'], size: $workers);

$calls = [];
for ($id = 1; $id <= 12; $id++) {
    $calls[$id] = $pool->call('digest', ['id' => $id, 'text' => "job $id", 'rounds' => 20_000]);
}
$results = Ipc::awaitAll($calls); // same keys as $calls

$byWorker = [];
foreach ($results as $id => $r) {
    $expected = "job $id";
    for ($i = 0; $i < 20_000; $i++) {
        $expected = hash('sha256', $expected);
    }
    expect($r['id'] === $id && $r['digest'] === substr($expected, 0, 16), "the digest of job $id");
    $byWorker[$r['worker_pid']] = ($byWorker[$r['worker_pid']] ?? 0) + 1;
}
foreach ($byWorker as $pid => $count) {
    echo "worker $pid: $count jobs\n";
}
expect(count($byWorker) === $workers, "every one of the $workers workers took jobs");

$pool->close();
echo "ok\n";
