<?php

// A script-style worker: no handlers, no run(). It does blocking work, notifies after each step,
// and its script simply ends. Nothing is lost: at the end of the script Parley completes the
// handshake, sends what is queued and closes with GOODBYE.

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$session = Ipc::worker();
for ($step = 1; $step <= 6; $step++) {
    usleep(50_000); // stands in for blocking work (a query, a file, an HTTP request)
    $session->notify('step.done', ['step' => $step]);
}
