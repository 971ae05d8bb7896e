<?php

/**
 * A TLS listener for the socket tests: `php tls-server.php <cert.pem>`; prints LISTENING host:port.
 * `php tls-server.php plain` listens in plain TCP instead; `php tls-server.php <cert.pem> <ca.pem>`
 * requires a client certificate signed by <ca.pem> (mutual TLS).
 */

declare(strict_types=1);

use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\ListenOptions;

require __DIR__ . '/../../src/autoload.php';

$plain = $argv[1] === 'plain';
$tls = $plain ? [] : ['local_cert' => $argv[1]];
$mutual = isset($argv[2]);
if ($mutual) {
    $tls['cafile'] = $argv[2];
}
$listen = ListenOptions::defaults()->withClientCertificateRequired($mutual);
$server = Ipc::listen($plain ? 'tcp://127.0.0.1:0' : 'tls://127.0.0.1:0', static function (Session $session): void {
    $session->handle('echo', static fn (mixed $p): mixed => $p);
}, new SessionOptions(logger: static fn () => null), $tls, listen: $listen);
echo 'LISTENING ', $server->displayAddress(), "\n";
Ipc::run();
