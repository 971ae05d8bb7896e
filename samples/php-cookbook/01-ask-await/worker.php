<?php

// Answers requests: a plain result, a typed error, and a slow one that honours the caller's deadline.

declare(strict_types=1);

use Parley\Exception\RemoteException;
use Parley\Ipc;
use Parley\Session\RequestContext;

require __DIR__ . '/../common.php';

$session = Ipc::worker();
$session->handle('greet', fn (array $p): string => "Hello, {$p['name']}");
$session->handle('divide', function (array $p): float {
    if ($p['by'] == 0) {
        throw new RemoteException('cannot divide by zero', 4001, ['dividend' => $p['value']]);
    }
    return $p['value'] / $p['by'];
});
$session->handle('slow', function (float $seconds, RequestContext $ctx): string {
    $ctx->sleep($seconds); // throws when the caller's deadline passes or it cancels
    return 'finished';
});
$session->run();
