<?php

// Reports progress while it works on a request; the final answer comes after.

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\RequestContext;

require __DIR__ . '/../common.php';

$session = Ipc::worker();
$session->handle('import', function (array $rows, RequestContext $ctx): array {
    $total = 0;
    foreach ($rows as $i => $row) {
        $total += $row['amount'];
        $ctx->progress(['progress' => $i + 1, 'total' => count($rows), 'row' => $row['id']]);
        usleep(20_000); // stands in for blocking work; the progress frame has already gone out
    }
    return ['rows' => count($rows), 'sum' => $total];
});
$session->run();
