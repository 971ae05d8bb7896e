<?php

// A worker started by other means (proc_open here; symfony/process works the same): the parent
// side of the session is made from its three pipes and shares the loop with Ipc::spawn().

declare(strict_types=1);

use Parley\Ipc;

require __DIR__ . '/../common.php';

$process = proc_open(
    [PHP_BINARY, __DIR__ . '/../01-ask-await/worker.php'],
    [['pipe', 'r'], ['pipe', 'w'], ['pipe', 'w']],
    $pipes,
);
expect(is_resource($process), 'proc_open started the worker');
$session = Ipc::fromStreams($pipes[1], $pipes[0], $pipes[2]);
$spawned = Ipc::spawn([PHP_BINARY, __DIR__ . '/../01-ask-await/worker.php']);
expect($session->loop() === $spawned->loop(), 'one loop for both sessions');

// Both calls are in flight at once on the shared loop.
$a = $session->call('greet', ['name' => 'streams']);
$b = $spawned->call('greet', ['name' => 'spawn']);
[$x, $y] = Ipc::awaitAll([$a, $b]);
echo "  $x / $y\n";
expect([$x, $y] === ['Hello, streams', 'Hello, spawn'], 'both answers');

$session->close();
$spawned->close();
proc_close($process);
echo "ok\n";
