<?php

/**
 * One PHP↔PHP 32-byte round-trip measurement against the Parley PHP SDK of a given tree; the same
 * source for every tree (the facade is Parley\Ipc, or Parley\Parley in trees before it was renamed).
 *
 *   php rt-parent.php SDK_SRC_DIR [N] [WARMUP]   → one JSON line: rps, cpu_us (parent + child per call)
 */

declare(strict_types=1);

[$_, $src, $n, $warm] = $argv + [null, '', '20000', '1000'];
require $src . '/autoload.php';
$facade = class_exists('Parley\\Ipc') ? 'Parley\\Ipc' : 'Parley\\Parley';
$n = (int) $n;
$warm = (int) $warm;

$cpuNow = static function (): float {
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
};
$worker = $facade::spawn([PHP_BINARY, __DIR__ . '/rt-child.php', $src]);
$payload = str_repeat('x', 32);
for ($i = 0; $i < $warm; $i++) {
    $worker->call('echo', $payload)->await();
}
$worker->call('mark')->await();
$cpu = $cpuNow();
$start = hrtime(true);
$got = null;
for ($i = 0; $i < $n; $i++) {
    $got = $worker->call('echo', $payload)->await();
}
$seconds = (hrtime(true) - $start) / 1e9;
$parent = $cpuNow() - $cpu;
$child = (float) $worker->call('cpu')->await();
$worker->close();
if ($got !== $payload) {
    fwrite(STDERR, "bad echo\n");
    exit(1);
}
echo json_encode([
    'facade' => $facade,
    'rps' => $n / $seconds,
    'cpu_us' => ($parent + $child) / $n * 1e6,
    'parent_us' => $parent / $n * 1e6,
    'child_us' => $child / $n * 1e6,
]), "\n";
