<?php

declare(strict_types=1);

// The PHP side of sdk-java's proxy tests: serves sdk-php's InvoiceService fixture (attributes),
// as a stdio worker (no argument) or by dialling the address in argv[1] (unix://, tcp://, tls://;
// for tls:// argv[2] is the PEM certificate to trust).
require dirname(__DIR__, 5) . '/sdk-php/src/autoload.php';
require dirname(__DIR__, 5) . '/sdk-php/tests/Fixtures/PricingApi.php';
require dirname(__DIR__, 5) . '/sdk-php/tests/Fixtures/InvoiceService.php';

use Parley\Ipc;
use Parley\Tests\Fixtures\InvoiceService;

$tls = isset($argv[2]) ? ['cafile' => $argv[2], 'peer_name' => 'localhost'] : [];
$session = isset($argv[1]) ? Ipc::connect($argv[1], tls: $tls) : Ipc::worker();
$session->serve(new InvoiceService());
$session->run();
