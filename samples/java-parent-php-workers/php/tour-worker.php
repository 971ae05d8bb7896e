<?php

/**
 * A PHP worker as a Java service would run it: "legacy" business logic behind Parley methods.
 * Started by the Java parent (tour/WorkerDemo.java) with `php php/tour-worker.php`; speaks Parley on
 * stdin/stdout, logs on stderr. Anything it echoes is captured and forwarded as `$/log`.
 */

declare(strict_types=1);

require __DIR__ . '/../../../sdk-php/src/autoload.php';

use Parley\Exception\RemoteException;
use Parley\Ipc;
use Parley\Session\RequestContext;

$session = Ipc::worker();

// Plain request/response: an invoice total with VAT, the kind of logic that lives in old PHP.
$session->handle('invoice.total', static function (array $invoice): array {
    $net = 0;
    foreach ($invoice['lines'] as $i => $line) {
        if (!is_int($line['cents'] ?? null) || !is_int($line['qty'] ?? null) || $line['qty'] < 0) {
            // A typed error: the caller gets this code and message.
            throw new RemoteException("line $i needs integer 'cents' and a non-negative integer 'qty'", 4001);
        }
        $net += $line['cents'] * $line['qty'];
    }
    $vat = intdiv($net * $invoice['vat_percent'] + 50, 100);
    return ['net' => $net, 'vat' => $vat, 'gross' => $net + $vat, 'worker_pid' => getmypid()];
});

// A handler that calls back into Java and awaits the answer (runs in a Fiber).
$session->handle('invoice.convert', static function (array $p, RequestContext $ctx): array {
    $rate = $ctx->call('rates.lookup', ['from' => $p['from'], 'to' => $p['to']])->await();
    return ['amount' => round($p['amount'] * $rate, 2), 'currency' => $p['to'], 'rate' => $rate];
});

// Progress: a long report that tells the caller how far it got, and honours cancellation.
$session->handle('report.build', static function (array $p, RequestContext $ctx): string {
    $rows = [];
    for ($i = 1; $i <= $p['sections']; $i++) {
        $ctx->sleep(0.05);                     // cooperative: throws once cancelled or expired
        $rows[] = "section $i: ok";
        $ctx->progress(['progress' => $i, 'total' => $p['sections'], 'message' => "section $i"]);
    }
    return implode("\n", $rows);
});

// A template render that prints, as old PHP code does; the output must not corrupt the stream.
$session->handle('template.render', static function (array $p): string {
    echo "rendering {$p['name']} (this echo goes to the parent's log, not into the frames)\n";
    return sprintf('<h1>Hello, %s!</h1>', htmlspecialchars($p['name']));
});

// A notification from Java; the worker answers with one of its own.
$session->onNotification('cache.flush', static function (mixed $p, $s): void {
    $s->notify('cache.flushed', ['worker_pid' => getmypid(), 'keys' => $p['keys'] ?? []]);
});

$session->run();   // returns when the parent says GOODBYE or closes stdin
