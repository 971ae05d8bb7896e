<?php

/**
 * The PHP worker of the pool benchmark (io.parley.benchmarks.PoolBenchmark):
 *   noop {..}      -> its params (the smallest useful call: measures the plumbing)
 *   work {n: int}  -> a number, after n rounds of integer arithmetic (CPU-bound, no I/O)
 */

declare(strict_types=1);

require __DIR__ . '/../../../sdk-php/src/autoload.php';

use Parley\Ipc;

$session = Ipc::worker();

$session->handle('noop', static fn (mixed $p): mixed => $p);

$session->handle('work', static function (array $p): int {
    $x = 1;
    for ($i = 0, $n = (int) $p['n']; $i < $n; $i++) {
        $x = ($x * 1103515245 + 12345) & 0x7fffffff;
    }
    return $x;
});

$session->run();
