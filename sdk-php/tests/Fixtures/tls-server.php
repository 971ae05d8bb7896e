<?php

/**
 * A TLS listener for the socket tests: `php tls-server.php <cert.pem>`; prints LISTENING host:port.
 * `php tls-server.php plain` listens in plain TCP instead.
 */

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;

require __DIR__ . '/../../src/autoload.php';

$plain = $argv[1] === 'plain';
$server = Ipc::listen($plain ? 'tcp://127.0.0.1:0' : 'tls://127.0.0.1:0', static function (Session $session): void {
    $session->handle('echo', static fn (mixed $p): mixed => $p);
}, new SessionOptions(logger: static fn () => null), $plain ? [] : ['local_cert' => $argv[1]]);
echo 'LISTENING ', $server->displayAddress(), "\n";
Ipc::run();
