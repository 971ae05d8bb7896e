<?php

// Ask and await: a result, a typed error from the worker, and a deadline.

declare(strict_types=1);

use Parley\Exception\DeadlineExceededException;
use Parley\Exception\RemoteException;
use Parley\Ipc;

require __DIR__ . '/../common.php';

$worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);

$greeting = $worker->call('greet', ['name' => 'Ada'])->await();
echo "greet: $greeting\n";
expect($greeting === 'Hello, Ada', 'the greeting');

try {
    $worker->call('divide', ['value' => 1, 'by' => 0])->await();
    expect(false, 'divide by zero should fail');
} catch (RemoteException $e) {
    echo "divide: error {$e->getCode()}: {$e->getMessage()}\n";
    expect($e->getCode() === 4001 && $e->getData() === ['dividend' => 1], 'the error code and data');
}

try {
    $worker->call('slow', 5.0, timeout: 0.2)->await();
    expect(false, 'the slow call should time out');
} catch (DeadlineExceededException) {
    echo "slow: deadline exceeded after 0.2 s, as asked\n";
}

$worker->close(); // GOODBYE, then waits for the worker to exit
echo "ok\n";
