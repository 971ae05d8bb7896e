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
        $ctx->sleep(0.02); // stands in for real work; lets the progress frame go out now
    }
    return ['rows' => count($rows), 'sum' => $total];
});
$session->run();
