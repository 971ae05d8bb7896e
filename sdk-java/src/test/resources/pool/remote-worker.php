<?php

declare(strict_types=1);

// A remote pool worker for the tests: dials the pool (argv: address, token, pool name) and serves.
require dirname(__DIR__, 5) . '/sdk-php/src/autoload.php';

use Parley\Parley;
use Parley\Session\SessionOptions;

[, $address, $token, $pool] = $argv;
$session = Parley::connect($address, new SessionOptions(token: $token, peerName: 'pool:' . $pool));
$session->handle('where', fn () => ['remote' => true, 'pid' => getmypid()]);
$session->handle('echo', fn (mixed $p) => $p);
$session->run();
