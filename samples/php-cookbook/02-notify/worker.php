<?php

// Notifications both ways: listens to `cache.flush`, tells the parent `cache.flushed` (no answers).

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\Session;

require __DIR__ . '/../common.php';

$session = Ipc::worker();
$session->onNotification('cache.flush', function (array $p, Session $s): void {
    $s->notify('cache.flushed', ['keys' => $p['keys'], 'worker_pid' => getmypid()]);
});
$session->run();
