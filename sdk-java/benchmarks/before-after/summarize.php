<?php

/**
 * Summarises interleaved before/after rounds as Markdown tables: per (mode, case, tree) the median
 * and min–max over rounds, the ratio of the medians (each tree / the base tree) and the per-round
 * paired ratios (median and min–max), the number to trust on a shared machine.
 *
 *   php summarize.php jmh DIR BASE:TREE[,TREE...]    DIR/TREE-MODE-ROUND.json from jmh-rounds.sh
 *   php summarize.php php FILE.jsonl BASE:TREE[,...] php-rounds.sh output (rate and CPU per call)
 */

declare(strict_types=1);

$median = static function (array $v): float {
    sort($v);
    $n = count($v);
    return $n % 2 === 1 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
};
$fmt = static fn (float $x): string => $x >= 1000 ? number_format($x, 0, '.', ' ') : number_format($x, 2, '.', '');

/** @param array<string, array<string, array<int, float>>> $data case => tree => round => value */
$table = static function (
    string $title,
    string $unit,
    array $data,
    string $base,
    array $trees
) use (
    $median,
    $fmt,
): void {
    echo "\n### $title\n\n";
    echo "| case | tree | rounds | median $unit | min–max | ratio of medians to $base"
        . " | paired same-round ratio to $base: median [min–max] |\n|---|---|---|---|---|---|---|\n";
    foreach ($data as $case => $byTree) {
        foreach (array_merge([$base], $trees) as $tree) {
            $v = $byTree[$tree] ?? [];
            if ($v === []) {
                echo "| $case | $tree | 0 | – | – | – | – |\n";
                continue;
            }
            $ratio = '';
            $paired = '';
            if ($tree !== $base && ($byTree[$base] ?? []) !== []) {
                $ratio = sprintf('%.2f', $median($v) / $median($byTree[$base]));
                $pairs = [];
                foreach ($v as $round => $x) {
                    if (isset($byTree[$base][$round])) {
                        $pairs[] = $x / $byTree[$base][$round];
                    }
                }
                if ($pairs !== []) {
                    $paired = sprintf(
                        '%.2f [%.2f–%.2f] (n=%d)',
                        $median($pairs),
                        min($pairs),
                        max($pairs),
                        count($pairs),
                    );
                }
            }
            $range = $fmt(min($v)) . '–' . $fmt(max($v));
            $middle = $fmt($median($v));
            printf("| %s | %s | %d | %s | %s | %s | %s |\n", $case, $tree, count($v), $middle, $range, $ratio, $paired);
        }
    }
};

[$_, $kind, $input, $spec] = $argv + [null, '', '', ''];
[$base, $rest] = explode(':', $spec, 2) + [1 => ''];
$trees = array_values(array_filter(explode(',', $rest)));
$byMode = [];
if ($kind === 'jmh') {
    foreach (glob("$input/*.json") as $file) {
        if (!preg_match('~/([a-z0-9]+)-(pinned|unpinned)-(\d+)\.json$~', $file, $m)) {
            continue;
        }
        foreach (json_decode((string) file_get_contents($file), true) ?? [] as $row) {
            $name = substr($row['benchmark'], strrpos($row['benchmark'], '.') + 1);
            $case = sprintf('%s %s/%s', $name, $row['params']['impl'], $row['params']['transport']);
            $byMode[$m[2]]['ops/s'][$case][$m[1]][(int) $m[3]] = (float) $row['primaryMetric']['score'];
        }
    }
    // Parley as a fraction of the raw floor measured in the same JVM run (the raw echo is the same
    // code in every tree): this cancels most of what the machine's load did to that run.
    foreach ($byMode as $mode => $units) {
        foreach ($units['ops/s'] as $case => $byTree) {
            if (!preg_match('~^(\w+) parley/(\w+)$~', $case, $c)) {
                continue;
            }
            foreach ($byTree as $tree => $rounds) {
                foreach ($rounds as $round => $value) {
                    $floor = $units['ops/s']["$c[1] raw/$c[2]"][$tree][$round] ?? null;
                    if ($floor !== null) {
                        $normalised = "$c[1] parley÷raw/$c[2]";
                        $byMode[$mode]['× raw floor (same run)'][$normalised][$tree][$round] = $value / $floor;
                    }
                }
            }
        }
    }
} else {
    foreach (file($input, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
        $row = json_decode($line, true);
        $r = $row['r'];
        $cpu = $r['cpu_us'] ?? $r['parent_cpu_us_per_op'] + $r['child_cpu_us_per_op'];
        $byMode[$row['mode']]['round trips/s']['32 B round trip'][$row['tree']][$row['round']] = (float) $r['rps'];
        $byMode[$row['mode']]['µs CPU/call']['CPU/call, parent + child'][$row['tree']][$row['round']] = (float) $cpu;
    }
}
ksort($byMode);
foreach ($byMode as $mode => $units) {
    foreach ($units as $unit => $data) {
        ksort($data);
        $table("$mode, $unit", $unit, $data, $base, $trees);
    }
}
