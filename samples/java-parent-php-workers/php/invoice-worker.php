<?php

/**
 * The PHP side of the demo: a long-lived worker that renders invoices.
 *
 * The Java parent (InvoiceDemo) starts several of these through a WorkerPool and calls
 * `invoice.render` once per order. The worker loads the reference data (customers, catalogue,
 * tax and exchange rates) once at start-up, prices each order line, reports progress after each
 * line, writes the invoice as HTML and answers with the totals. Speaks Parley on stdin/stdout;
 * anything it echoes is forwarded to the parent as a log message, never into the frames.
 */

declare(strict_types=1);

require __DIR__ . '/../../../sdk-php/src/autoload.php';
spl_autoload_register(static function (string $class): void {
    $prefix = 'ParleyDemo\\Invoices\\';
    if (str_starts_with($class, $prefix)) {
        require __DIR__ . '/src/' . substr($class, strlen($prefix)) . '.php';
    }
});

use Parley\Ipc;
use Parley\Session\RequestContext;
use ParleyDemo\Invoices\InvoiceCalculator;
use ParleyDemo\Invoices\InvoiceRenderer;
use ParleyDemo\Invoices\Money;
use ParleyDemo\Invoices\ReferenceData;

$calculator = new InvoiceCalculator(ReferenceData::load(__DIR__ . '/../data'));
$renderer = new InvoiceRenderer();

$session = Ipc::worker();

/*
 * invoice.render {order: {...}, out_dir: "...", pace_ms: 15}
 *   -> {invoice, order, currency, lines, net, tax, total, total_text, file, worker_pid}
 * progress after each line: {line, lines, order, pid}
 */
$session->handle('invoice.render', static function (array $p, RequestContext $ctx) use ($calculator, $renderer): array {
    $order = $p['order'];
    $lines = [];
    $count = count($order['lines']);
    foreach ($order['lines'] as $i => $line) {
        $lines[] = $calculator->line($order, $line, $i);
        if (($p['pace_ms'] ?? 0) > 0) {
            // Stands in for the per-line lookups a real system makes (stock, a template, a
            // database row) so the progress bar has something to show; honours cancellation.
            $ctx->sleep($p['pace_ms'] / 1000);
        }
        $ctx->progress(['line' => $i + 1, 'lines' => $count, 'order' => $order['id'], 'pid' => getmypid()]);
    }
    $invoice = $calculator->invoice($order, $lines);
    $file = rtrim($p['out_dir'], '/') . '/' . $invoice->number . '.html';
    if (@file_put_contents($file, $renderer->html($invoice)) === false) {
        throw new RuntimeException("cannot write $file: does the output directory exist and is it writable?");
    }
    return [
        'invoice' => $invoice->number,
        'order' => $invoice->orderId,
        'currency' => $invoice->currency,
        'lines' => $count,
        'net' => $invoice->net,
        'tax' => $invoice->tax,
        'total' => $invoice->total(),
        'total_text' => Money::format($invoice->total(), $invoice->customer['locale']),
        'file' => $file,
        'worker_pid' => getmypid(),
    ];
});

$session->run();   // returns when the parent says GOODBYE or closes stdin
