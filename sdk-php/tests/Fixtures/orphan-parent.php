<?php

/**
 * A PHP parent for the no-orphans test: `php orphan-parent.php spawn|pool spin|block <pidfile> [php args
 * for the worker...]` starts tests/Fixtures/orphan-worker.php (with Ipc::spawn or a WorkerPool of 2),
 * asks it to `hold`, and waits for the answer that never comes, until the test kills this process.
 */

declare(strict_types=1);

use Parley\Ipc;
use Parley\Process\WorkerPool;

require __DIR__ . '/../../src/autoload.php';

[, $kind, $mode, $pidfile] = $argv;
$command = [PHP_BINARY, ...array_slice($argv, 4), __DIR__ . '/orphan-worker.php'];
$params = ['mode' => $mode, 'pidfile' => $pidfile];
if ($kind === 'pool') {
    $pool = new WorkerPool($command, size: 2);
    $pool->call('pid')->await(); // both workers up; the next call goes to the other (least busy) one
    $pool->call('hold', $params)->await();
} else {
    Ipc::spawn($command)->call('hold', $params)->await();
}
