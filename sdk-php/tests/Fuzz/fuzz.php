<?php

declare(strict_types=1);

/*
 * The PHP mutation fuzzer's long run (issue 12): not part of CI, which runs a reduced count of the
 * same code (MutationFuzzTest). From the repository root:
 *
 *   php sdk-php/tests/Fuzz/fuzz.php --count 1000000 [--target NAME] [--seed N]
 *
 * (or PARLEY_FUZZ_COUNT=N; scripts/fuzz.sh runs this after the Java targets). Targets: frameDecoder,
 * messageAssembler, helloParser, jsonBody, deflateBody, zstdBody, phpSerializeBody.
 *
 * Prints executions, outcomes, findings, time and peak memory per target; exits 1 on any finding
 * (each is written to sdk-php/tests/Fuzz/findings/<target>-<n>.bin: add it to the corpus once fixed).
 */

require dirname(__DIR__) . '/bootstrap.php';

use Parley\Tests\Fuzz\MutationFuzzer;

$options = getopt('', ['count:', 'target:', 'seed:']);
$count = (int) ($options['count'] ?? (getenv('PARLEY_FUZZ_COUNT') ?: 1000000));
$seed = (int) ($options['seed'] ?? 20261205);
$targets = isset($options['target']) ? [(string) $options['target']] : MutationFuzzer::TARGETS;
$found = 0;
foreach ($targets as $target) {
    $fuzzer = new MutationFuzzer($target, MutationFuzzer::defaultCorpusDir(), $seed);
    $start = hrtime(true);
    $fuzzer->run($count);
    $seconds = (hrtime(true) - $start) / 1e9;
    printf(
        "%s: %d executions (corpus %d) in %.1f s, %d findings, peak memory %.1f MiB, outcomes %s\n",
        $target,
        $fuzzer->executions,
        $fuzzer->corpusSize(),
        $seconds,
        count($fuzzer->findings),
        memory_get_peak_usage() / 1048576,
        json_encode($fuzzer->outcomes),
    );
    foreach ($fuzzer->findings as $i => $finding) {
        @mkdir(__DIR__ . '/findings');
        file_put_contents(__DIR__ . "/findings/$target-$i.bin", $finding['input']);
        fwrite(STDERR, "  finding $i: {$finding['error']}\n");
        $found++;
    }
}
exit($found === 0 ? 0 : 1);
