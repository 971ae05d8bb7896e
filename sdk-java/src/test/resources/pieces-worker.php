<?php

declare(strict_types=1);

// The PHP side of io.parley.session.PiecesPhpTest: large raw bodies as pieces (rawPieces).
require dirname(__DIR__, 4) . '/sdk-php/src/autoload.php';

use Parley\Codec\Payload;
use Parley\Ipc;
use Parley\Session\SessionOptions;

$session = Ipc::worker(new SessionOptions(rawPieces: true));
$session->handle('echo', static fn (mixed $p): mixed => $p);
$session->handle('shape', static fn (mixed $p): array => $p instanceof Payload
    ? ['type' => 'pieces', 'pieces' => count($p->pieces()), 'size' => $p->size(), 'md5' => md5(implode('', $p->pieces()))]
    : ['type' => get_debug_type($p)]);
$session->run();
