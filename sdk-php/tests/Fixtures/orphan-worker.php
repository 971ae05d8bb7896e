<?php

/**
 * A stdio worker for the no-orphans tests (PHP and Java parents). `grandchild` starts `sleep 300`
 * and answers its pid; `hold` starts one too, writes "<worker pid> <grandchild pid>\n<parent watch
 * line>\n" to the given file, then spins in a CPU loop or blocks in sleep() until it is killed.
 */

declare(strict_types=1);

use Parley\Ipc;
use Parley\Process\ParentWatch;

require __DIR__ . '/../../src/autoload.php';

$session = Ipc::worker();
$session->handle('pid', static fn (): int => getmypid());
/** Starts `sleep 300` and keeps its handle (never closed: proc_close() would wait for it). */
$startGrandchild = static function (): int {
    $null = ['file', '/dev/null', 'w'];
    $grandchild = proc_open(['sleep', '300'], [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null], $pipes);
    if ($grandchild === false) {
        throw new RuntimeException('cannot start the grandchild');
    }
    $GLOBALS['grandchildren'][] = $grandchild;
    return proc_get_status($grandchild)['pid'];
};
$session->handle('grandchild', $startGrandchild);
$session->handle('hold', static function (array $p) use ($startGrandchild): never {
    $grandchild = $startGrandchild();
    $info = sprintf("%d %d\n%s\n", getmypid(), $grandchild, ParentWatch::active() ?? 'none');
    file_put_contents($p['pidfile'] . '.tmp', $info);
    rename($p['pidfile'] . '.tmp', $p['pidfile']);
    if ($p['mode'] === 'spin') {
        $x = 0;
        while (true) {
            $x++;
        }
    }
    while (true) {
        sleep(300);
    }
});
$session->run();
