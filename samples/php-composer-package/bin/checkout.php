<?php

// php bin/checkout.php <socket path>: quotes two baskets with the Java price service.

declare(strict_types=1);

use Checkout\PriceClient;
use Parley\Exception\RemoteException;

require __DIR__ . '/../vendor/autoload.php'; // Composer's autoloader: parley/parley and Checkout\

$socket = $argv[1] ?? throw new InvalidArgumentException('usage: php bin/checkout.php <socket path>');
$client = PriceClient::connect($socket);

$quote = $client->quote(['coffee' => 2, 'croissant' => 3], vatPercent: 20);
echo "basket 1: net {$quote['net']}, VAT {$quote['vat']}, total {$quote['gross']} (served by {$quote['served_by']})\n";
if ($quote['gross'] !== '15.24') {
    fwrite(STDERR, "UNEXPECTED total {$quote['gross']}, expected 15.24\n");
    exit(1);
}

try {
    $client->quote(['caviar' => 1], vatPercent: 20);
    fwrite(STDERR, "UNEXPECTED: an unknown sku was accepted\n");
    exit(1);
} catch (RemoteException $e) {
    echo "basket 2: refused by the service: {$e->getCode()} {$e->getMessage()}\n";
}

$client->close();
echo "ok\n";
