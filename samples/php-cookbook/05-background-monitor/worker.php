<?php

// A long-running background job: `job.start` is accepted at once, the job runs in a task of the
// worker's loop and streams `job.status` notifications, then `job.done`.

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\Session;

require __DIR__ . '/../common.php';

$session = Ipc::worker();
$session->handle('job.start', function (array $p) use ($session): string {
    Ipc::async(function () use ($session, $p): void {
        for ($step = 1; $step <= $p['steps']; $step++) {
            Ipc::sleep(0.05); // a slice of work; the loop sends the status meanwhile
            $session->notify('job.status', ['job' => $p['job'], 'step' => $step, 'of' => $p['steps']]);
        }
        $session->notify('job.done', ['job' => $p['job']]);
    });
    return 'accepted';
});
$session->run();
