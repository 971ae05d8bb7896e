<?php

/**
 * The benchmark's child: a stdio worker serving echo, a notification burst and CPU accounting.
 */

declare(strict_types=1);

use Parley\Codec\Payload;
use Parley\Ipc;
use Parley\Session\RequestContext;

require __DIR__ . '/../src/autoload.php';

$cpu = static function (): float {
    $usage = getrusage();
    return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
        + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
};
$mark = 0.0;
$session = Ipc::worker();
$session->handle('echo', static fn (mixed $params): mixed => $params);
$session->handle('bytes', static fn (string $bytes): Payload => Payload::raw($bytes));
$session->handle('mark', static function () use (&$mark, $cpu): bool {
    $mark = $cpu();
    return true;
});
// A closure capturing $mark by reference: an arrow function would capture the value at creation
// (0.0) and report the CPU since process start.
$session->handle('cpu', static function () use (&$mark, $cpu): float {
    return $cpu() - $mark;
});
$session->handle('notify', static function (array $params, RequestContext $context): int {
    $payload = str_repeat('x', $params['size']);
    $session = $context->session();
    for ($i = 0; $i < $params['n']; $i++) {
        $session->notify('n', $payload);
    }
    return $params['n'];
});
$session->run();
