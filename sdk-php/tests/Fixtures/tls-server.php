<?php

/**
 * A TLS listener for the socket tests: `php tls-server.php <cert.pem>`; prints LISTENING host:port.
 */

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;

require __DIR__ . '/../../src/autoload.php';

$server = Ipc::listen('tls://127.0.0.1:0', static function (Session $session): void {
    $session->handle('echo', static fn (mixed $p): mixed => $p);
}, new SessionOptions(logger: static fn () => null), ['local_cert' => $argv[1]]);
echo 'LISTENING ', $server->displayAddress(), "\n";
Ipc::run();
