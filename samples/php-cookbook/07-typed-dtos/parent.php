<?php

// Typed DTOs in both directions between PHP peers, and the clear error for a class the other side
// does not allow.

declare(strict_types=1);

use Cookbook\Quote;
use Parley\Exception\RemoteException;
use Parley\Ipc;
use Parley\Session\SessionOptions;

require __DIR__ . '/../common.php';
require __DIR__ . '/Quote.php';

$worker = Ipc::spawn(
    [PHP_BINARY, __DIR__ . '/worker.php'],
    new SessionOptions(defaultCodec: 'php', allowedClasses: [Quote::class]),
);
$quote = $worker->call('discount', new Quote('A1', 1000))->await();
echo "  discounted: {$quote->sku} {$quote->cents}\n";
expect($quote instanceof Quote && $quote->cents === 900, 'a Quote sent, a Quote received');

try {
    $worker->call('echo', new \ArrayObject([1, 2]))->await();
    expect(false, 'the worker does not allow ArrayObject');
} catch (RemoteException $e) {
    echo "  refused: {$e->getMessage()}\n";
    expect(str_contains($e->getMessage(), 'ArrayObject'), 'the error names the class');
}

$worker->close();
echo "ok\n";
