<?php

// A CPU-bound job: hashes its input many times.

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$session = Ipc::worker();
$session->handle('digest', function (array $job): array {
    $hash = $job['text'];
    for ($i = 0; $i < $job['rounds']; $i++) {
        $hash = hash('sha256', $hash);
    }
    return ['id' => $job['id'], 'digest' => substr($hash, 0, 16), 'worker_pid' => getmypid()];
});
$session->run();
