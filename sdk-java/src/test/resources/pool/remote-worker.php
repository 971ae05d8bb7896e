<?php

declare(strict_types=1);

// A remote pool worker for the tests: dials the pool (argv: address, token, pool name) and serves.
require dirname(__DIR__, 5) . '/sdk-php/src/autoload.php';

use Parley\Ipc;
use Parley\Session\SessionOptions;

[, $address, $token, $pool] = $argv;
// tls:// in the tests: a self-signed certificate made by the test, trusted through its own file
$tls = isset($argv[4]) ? ['cafile' => $argv[4], 'peer_name' => 'localhost'] : [];
$session = Ipc::connect($address, new SessionOptions(token: $token, peerName: 'pool:' . $pool), tls: $tls);
$session->handle('where', fn () => ['remote' => true, 'pid' => getmypid()]);
$session->handle('echo', fn (mixed $p) => $p);
$session->handle('where.nap', function (array $p) {
    usleep($p['ms'] * 1000);
    return getmypid();
});
$session->run();
