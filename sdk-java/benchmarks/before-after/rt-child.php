<?php

/** The child of rt-parent.php: a stdio worker with echo and CPU accounting, for any tree's SDK. */

declare(strict_types=1);

require $argv[1] . '/autoload.php';
$facade = class_exists('Parley\\Ipc') ? 'Parley\\Ipc' : 'Parley\\Parley';
$cpuNow = static function (): float {
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
};
$mark = 0.0;
$session = $facade::worker();
$session->handle('echo', static fn (mixed $params): mixed => $params);
$session->handle('mark', static function () use (&$mark, $cpuNow): bool {
    $mark = $cpuNow();
    return true;
});
$session->handle('cpu', static function () use (&$mark, $cpuNow): float {
    return $cpuNow() - $mark;
});
$session->run();
