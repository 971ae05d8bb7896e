<?php

// Runs every cookbook pair (`php run-all.php`); exits 1 if any fails. Used by the build's smoke test.

declare(strict_types=1);

$samples = [
    '01-ask-await/parent.php',
    '02-notify/parent.php',
    '03-progress/parent.php',
    '04-parallel-workers/parent.php',
    '05-background-monitor/monitor.php',
    '06-script-worker/parent.php',
    '07-typed-dtos/parent.php',
    '08-from-streams/parent.php',
];
$failed = 0;
foreach ($samples as $sample) {
    echo "== $sample\n";
    $start = microtime(true);
    passthru(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(__DIR__ . '/' . $sample), $status);
    $outcome = $status === 0 ? 'passed' : "FAILED (exit $status)";
    printf("== %s: %s (%.1f s)\n\n", $sample, $outcome, microtime(true) - $start);
    $failed += $status === 0 ? 0 : 1;
}
echo $failed === 0 ? "all " . count($samples) . " cookbook samples passed\n" : "$failed cookbook sample(s) failed\n";
exit($failed === 0 ? 0 : 1);
