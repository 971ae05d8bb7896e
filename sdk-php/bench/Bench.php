<?php

declare(strict_types=1);

namespace Parley\Bench;

use Parley\Codec\Payload;
use Parley\Ipc;
use RuntimeException;

/**
 * The benchmark (see bench.php): Parley PHP↔PHP against the raw PHP floor, same sizes, one after
 * the other in the same run.
 */
final class Bench
{
    public static function cpuNow(): float
    {
        $usage = getrusage();
        return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
            + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
    }

    /** @return array<string, mixed> the floor's JSON line */
    public static function floorRun(string $dir, string $args): array
    {
        $line = shell_exec(sprintf('%s %s/raw_parent.php %s', escapeshellarg(PHP_BINARY), escapeshellarg($dir), $args));
        $result = json_decode((string) $line, true);
        if (!is_array($result)) {
            throw new RuntimeException("floor run failed: $line");
        }
        return $result;
    }

    /** @return array{cpu_us: float, parent_us: float, child_us: float, rps: float} */
    public static function parleyEcho(int $size, int $n, int $warm): array
    {
        $worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
        $payload = str_repeat('x', $size);
        for ($i = 0; $i < $warm; $i++) {
            $worker->call('echo', $payload)->await();
        }
        $worker->call('mark')->await();
        $cpu = self::cpuNow();
        $start = hrtime(true);
        $got = null;
        for ($i = 0; $i < $n; $i++) {
            $got = $worker->call('echo', $payload)->await();
        }
        $seconds = (hrtime(true) - $start) / 1e9;
        $parent = self::cpuNow() - $cpu;
        $child = (float) $worker->call('cpu')->await();
        $worker->close();
        if ($got !== $payload) {
            throw new RuntimeException('bad echo');
        }
        return [
            'cpu_us' => ($parent + $child) / $n * 1e6,
            'parent_us' => $parent / $n * 1e6,
            'child_us' => $child / $n * 1e6,
            'rps' => $n / $seconds,
        ];
    }

    /** @return array{mibps: float, cpu_us: float} */
    public static function parleyBigEcho(int $size, int $n, int $warm): array
    {
        $worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
        $payload = str_repeat('x', $size);
        for ($i = 0; $i < $warm; $i++) {
            $worker->call('bytes', Payload::raw($payload))->await();
        }
        $worker->call('mark')->await();
        $cpu = self::cpuNow();
        $start = hrtime(true);
        $got = '';
        for ($i = 0; $i < $n; $i++) {
            $got = $worker->call('bytes', Payload::raw($payload))->await();
        }
        $seconds = (hrtime(true) - $start) / 1e9;
        $parent = self::cpuNow() - $cpu;
        $child = (float) $worker->call('cpu')->await();
        $worker->close();
        if ($got !== $payload) {
            throw new RuntimeException('bad 1 MiB echo');
        }
        return ['mibps' => $n * $size / $seconds / 1048576, 'cpu_us' => ($parent + $child) / $n * 1e6];
    }

    /** @return array{msgps: float} */
    public static function parleyNotify(int $size, int $n, int $warm): array
    {
        $worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/worker.php']);
        $count = 0;
        $worker->onNotification('n', static function () use (&$count): void {
            $count++;
        });
        $worker->call('notify', ['n' => $warm, 'size' => $size])->await();
        $count = 0;
        $start = hrtime(true);
        $worker->call('notify', ['n' => $n, 'size' => $size])->await();
        $seconds = (hrtime(true) - $start) / 1e9;
        $worker->close();
        if ($count !== $n) {
            throw new RuntimeException("got $count of $n notifications");
        }
        return ['msgps' => $n / $seconds];
    }

    /**
     * Runs the same benchmark again with opcache and the tracing JIT on, for this process and every
     * child (parent, workers, the floor's child): an ini file added to PHP's scan path.
     */
    private static function rerunWithJit(): int
    {
        $dir = sys_get_temp_dir() . '/parley-bench-jit-' . getmypid();
        @mkdir($dir, 0700);
        file_put_contents("$dir/jit.ini", "opcache.enable_cli=1\nopcache.jit=tracing\nopcache.jit_buffer_size=64M\n");
        $args = array_filter($GLOBALS['argv'], static fn (string $arg): bool => $arg !== '--jit');
        $command = implode(' ', array_map('escapeshellarg', array_merge([PHP_BINARY], $args)));
        $scan = (string) getenv('PHP_INI_SCAN_DIR');
        passthru(
            sprintf('PARLEY_BENCH_JIT=1 PHP_INI_SCAN_DIR=%s %s', escapeshellarg($scan . ':' . $dir), $command),
            $status,
        );
        @unlink("$dir/jit.ini");
        @rmdir($dir);
        return $status;
    }

    public static function median(array $values): float
    {
        sort($values);
        $count = count($values);
        return $count % 2 === 1 ? $values[intdiv($count, 2)] : ($values[$count / 2 - 1] + $values[$count / 2]) / 2;
    }

    public static function main(): int
    {
        $options = getopt('', ['rounds:', 'floor:', 'json', 'jit']);
        if (isset($options['jit']) && getenv('PARLEY_BENCH_JIT') === false) {
            return self::rerunWithJit();
        }
        $rounds = (int) ($options['rounds'] ?? 3);
        $floorDir = (string) ($options['floor'] ?? '/work/shared/floors/php');
        if (!is_file("$floorDir/raw_parent.php")) {
            fwrite(STDERR, "raw floor not found in $floorDir (use --floor)\n");
            return 1;
        }
        $rows = [];
        for ($round = 1; $round <= $rounds; $round++) {
            $floor = self::floorRun($floorDir, 'echo 32 20000 1000 block');
            $ours = self::parleyEcho(32, 20000, 1000);
            $rows['echo_floor_cpu'][] = $floor['parent_cpu_us_per_op'] + $floor['child_cpu_us_per_op'];
            $rows['echo_floor_parent'][] = $floor['parent_cpu_us_per_op'];
            $rows['echo_floor_child'][] = $floor['child_cpu_us_per_op'];
            $rows['echo_floor_rps'][] = $floor['rps'];
            $rows['echo_cpu'][] = $ours['cpu_us'];
            $rows['echo_parent'][] = $ours['parent_us'];
            $rows['echo_child'][] = $ours['child_us'];
            $rows['echo_rps'][] = $ours['rps'];

            $floor = self::floorRun($floorDir, 'notify 32 200000 1000 block');
            $ours = self::parleyNotify(32, 200000, 1000);
            $rows['notify_floor'][] = $floor['msgps'];
            $rows['notify'][] = $ours['msgps'];

            $floor = self::floorRun($floorDir, 'echo 1048576 300 10 block');
            $ours = self::parleyBigEcho(1048576, 300, 10);
            $rows['big_floor'][] = $floor['MiBps'];
            $rows['big'][] = $ours['mibps'];
            fwrite(STDERR, "round $round done\n");
        }
        $m = array_map([self::class, 'median'], $rows);
        $report = [
            '32 B call, CPU per call (parent + child)' => sprintf(
                '%.2f µs (parent %.2f, child %.2f) vs floor %.2f µs (%.2f + %.2f): %.2f× the floor (target ≤ 1.3×)',
                $m['echo_cpu'],
                $m['echo_parent'],
                $m['echo_child'],
                $m['echo_floor_cpu'],
                $m['echo_floor_parent'],
                $m['echo_floor_child'],
                $m['echo_cpu'] / $m['echo_floor_cpu'],
            ),
            '32 B call, round trips/s' => sprintf(
                '%.0f vs floor %.0f: %.2f× the floor',
                $m['echo_rps'],
                $m['echo_floor_rps'],
                $m['echo_rps'] / $m['echo_floor_rps'],
            ),
            '32 B notifications/s (child → parent)' => sprintf(
                '%.0f vs floor %.0f: %.2f× the floor (target ≥ 1 000 000/s)',
                $m['notify'],
                $m['notify_floor'],
                $m['notify'] / $m['notify_floor'],
            ),
            '1 MiB echo' => sprintf(
                '%.0f MiB/s vs floor %.0f MiB/s: %.2f× the floor (target ≥ 0.9×)',
                $m['big'],
                $m['big_floor'],
                $m['big'] / $m['big_floor'],
            ),
        ];
        if (isset($options['json'])) {
            echo json_encode(['medians' => $m, 'runs' => $rows], JSON_PRETTY_PRINT), "\n";
        }
        printf(
            "Parley PHP SDK vs raw floor, median of %d rounds (%s, PHP %s%s)\n",
            $rounds,
            php_uname('n'),
            PHP_VERSION,
            ini_get('opcache.enable_cli') ? ', opcache + JIT ' . ini_get('opcache.jit') : ', no opcache',
        );
        foreach ($report as $name => $line) {
            printf("  %-42s %s\n", $name, $line);
        }
        return 0;
    }
}
