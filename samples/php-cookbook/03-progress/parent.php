<?php

// Progress during a request: values tied to the call, delivered before its result.

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
$rows = [];
for ($i = 1; $i <= 5; $i++) {
    $rows[] = ['id' => "row-$i", 'amount' => $i * 10];
}

$seen = [];
$result = $worker->call('import', $rows, onProgress: function (array $p) use (&$seen): void {
    printf("  %d/%d (%s)\n", $p['progress'], $p['total'], $p['row']);
    $seen[] = $p['progress'];
})->await();

echo "imported {$result['rows']} rows, sum {$result['sum']}\n";
expect($seen === [1, 2, 3, 4, 5], 'one progress value per row, in order, before the result');
expect($result === ['rows' => 5, 'sum' => 150], 'the result');

$worker->close();
echo "ok\n";
