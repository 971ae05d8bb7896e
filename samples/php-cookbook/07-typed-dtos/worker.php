<?php

// Receives and returns typed objects: php is the session's default codec, and Quote is allowed.

declare(strict_types=1);

use Cookbook\Quote;
use Parley\Ipc;
use Parley\Session\SessionOptions;

require __DIR__ . '/../common.php';
require __DIR__ . '/Quote.php';

$session = Ipc::worker(new SessionOptions(defaultCodec: 'php', allowedClasses: [Quote::class]));
$session->handle('discount', fn (Quote $q): Quote => new Quote($q->sku, intdiv($q->cents * 9, 10)));
$session->handle('echo', fn (mixed $anything): mixed => $anything);
$session->run();
