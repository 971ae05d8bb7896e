<?php

/**
 * A stdio worker for the no-orphans tests (PHP and Java parents): `hold` starts a grandchild
 * (`sleep 300`), writes "<worker pid> <grandchild pid>\n<parent watch line>\n" to the given file, then
 * spins in a CPU loop or blocks in sleep() until it is killed.
 */

declare(strict_types=1);

use Parley\Parley;
use Parley\Process\ParentWatch;

require __DIR__ . '/../../src/autoload.php';

$session = Parley::worker();
$session->handle('pid', static fn (): int => getmypid());
$session->handle('hold', static function (array $p): never {
    $null = ['file', '/dev/null', 'w'];
    $grandchild = proc_open(['sleep', '300'], [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null], $pipes);
    if ($grandchild === false) {
        throw new RuntimeException('cannot start the grandchild');
    }
    $GLOBALS['grandchild'] = $grandchild; // never closed: proc_close() would wait for it
    $info = sprintf("%d %d\n%s\n", getmypid(), proc_get_status($grandchild)['pid'], ParentWatch::active() ?? 'none');
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
