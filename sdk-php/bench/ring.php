<?php

/**
 * PHP↔PHP over the shared-memory ring against the stdio pipe, interleaved in one run (issue 9):
 * 32-byte call round trip (µs, median of rounds) and 64-byte one-way notifications (msg/s).
 *
 *   php bench/ring.php [--rounds 5] [--calls 20000] [--notes 200000]
 *   taskset -c 0 php bench/ring.php      (both processes on one vCPU)
 *
 * Each round runs every transport once, in turn; the medians and the ring/pipe ratios are printed.
 */

declare(strict_types=1);

use Parley\Codec\Payload;
use Parley\Ipc;

require __DIR__ . '/../src/autoload.php';

$options = getopt('', ['rounds:', 'calls:', 'notes:', 'only:']);
$rounds = (int) ($options['rounds'] ?? 5);
$calls = (int) ($options['calls'] ?? 20000);
$notes = (int) ($options['notes'] ?? 200000);
$transports = isset($options['only']) ? explode(',', (string) $options['only']) : ['pipe', 'ring'];
$worker = [PHP_BINARY, __DIR__ . '/worker.php'];

$results = [];
for ($round = 0; $round < $rounds; $round++) {
    foreach ($transports as $transport) {
        $session = $transport === 'ring' ? Ipc::spawnRing($worker) : Ipc::spawn($worker);
        $payload = Payload::raw(str_repeat('x', 32));
        for ($i = 0; $i < max(100, intdiv($calls, 10)); $i++) {
            $session->call('bytes', $payload)->await();
        }
        $start = hrtime(true);
        for ($i = 0; $i < $calls; $i++) {
            $session->call('bytes', $payload)->await();
        }
        $results[$transport]['rtt'][] = (hrtime(true) - $start) / 1e3 / $calls;
        $got = 0;
        $session->onNotification('n', static function () use (&$got): void {
            $got++;
        });
        $start = hrtime(true);
        $session->call('notify', ['n' => $notes, 'size' => 64])->await();
        $seconds = (hrtime(true) - $start) / 1e9;
        if ($got !== $notes) {
            fwrite(STDERR, "$transport: $got of $notes notifications\n");
        }
        $results[$transport]['oneway'][] = $notes / $seconds;
        $session->close();
    }
}
$median = static function (array $values): float {
    sort($values);
    $n = count($values);
    return $n % 2 === 1 ? $values[intdiv($n, 2)] : ($values[$n / 2 - 1] + $values[$n / 2]) / 2;
};
printf("%-6s %14s %20s\n", '', '32 B RTT (µs)', '64 B child→parent/s');
foreach ($results as $transport => $rows) {
    printf("%-6s %14.2f %20.0f\n", $transport, $median($rows['rtt']), $median($rows['oneway']));
}
if (isset($results['ring'], $results['pipe'])) {
    printf(
        "ring/pipe: RTT %.2f× faster, one-way %.2f×\n",
        $median($results['pipe']['rtt']) / $median($results['ring']['rtt']),
        $median($results['ring']['oneway']) / $median($results['pipe']['oneway']),
    );
}
