<?php

/** PHP worker for the pool metrics tests: `echo` answers its params, `fail` throws a typed error. */

declare(strict_types=1);

require __DIR__ . '/../../../../../sdk-php/src/autoload.php';

use Parley\Exception\RemoteException;
use Parley\Ipc;

$session = Ipc::worker();
$session->handle('echo', static fn (mixed $p): mixed => $p);
$session->handle('fail', static function (): never {
    throw new RemoteException('refused on purpose', 4001);
});
$session->run();
