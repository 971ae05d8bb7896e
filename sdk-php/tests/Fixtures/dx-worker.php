<?php

/**
 * Workers written the way PHP developers write them (blocking code, script style), for
 * DeveloperExperienceTest. The first argument picks the mode.
 */

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\RequestContext;

require __DIR__ . '/../../src/autoload.php';

$mode = $argv[1] ?? '';
if ($mode === 'script') {
    // Script style: no run(); sends, blocks between sends, and the script ends.
    $session = Ipc::worker();
    for ($i = 1; $i <= 6; $i++) {
        usleep(20_000);
        $session->notify('tick', $i);
    }
    return;
}
$session = Ipc::worker();
$session->handle('blocking', static function (string $gate, RequestContext $context): string {
    // Blocking code: it never gives the loop control between its steps.
    $context->progress(1);
    $context->notify('step', 1);
    $until = microtime(true) + 10;
    while (!file_exists($gate) && microtime(true) < $until) {
        usleep(5_000);
    }
    $context->progress(2);
    return file_exists($gate) ? 'released by the parent' : 'never released';
});
$session->handle('index', static fn (): string => (string) getenv('PARLEY_WORKER_INDEX'));
$session->handle('php-note', static fn (): mixed => $GLOBALS['note'] ?? null);
$session->onNotification('php-note', static function (mixed $params): void {
    $GLOBALS['note'] = $params;
});
$session->run();
