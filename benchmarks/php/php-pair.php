<?php

/**
 * A PHP parent for the PHP↔PHP rows of the benchmark suite (io.parley.benchmarks.suite):
 *   php php-pair.php raw|parley echo|notify SIZE COUNT [incompressible]
 * `raw` drives raw-echo.php (the floor), `parley` drives bench-worker.php. Prints one JSON line:
 * {"ops": COUNT, "seconds": s}. Echo bodies are `SIZE` bytes of 'x' (compressible) or random bytes.
 */

declare(strict_types=1);

require __DIR__ . '/../../sdk-php/src/autoload.php';

use Parley\Codec\Payload;
use Parley\Ipc;

[, $impl, $mode, $size, $count] = $argv + [null, 'raw', 'echo', '32', '1000'];
$size = (int) $size;
$count = (int) $count;
$warm = max(1, intdiv($count, 10));
$payload = ($argv[5] ?? '') === 'incompressible' ? random_bytes($size) : str_repeat('x', $size);

if ($impl === 'raw') {
    $child = proc_open([PHP_BINARY, __DIR__ . '/raw-echo.php'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
    [$out, $in] = [$pipes[0], $pipes[1]];
    $readExactly = static function (int $n) use ($in): string {
        $buffer = '';
        while (strlen($buffer) < $n) {
            $chunk = fread($in, $n - strlen($buffer));
            if ($chunk === false || $chunk === '') {
                throw new RuntimeException('raw child ended');
            }
            $buffer .= $chunk;
        }
        return $buffer;
    };
    $frame = pack('N', $size) . $payload;
    $echo = static function () use ($out, $frame, $readExactly): string {
        fwrite($out, $frame);
        return $readExactly(unpack('N', $readExactly(4))[1]);
    };
    $notify = static function (int $n) use ($out, $size, $readExactly): int {
        fwrite($out, pack('N', 9) . "\x01" . pack('NN', $n, $size));
        $got = 0;
        while (($length = unpack('N', $readExactly(4))[1]) > 0) {
            $readExactly($length);
            $got++;
        }
        return $got;
    };
    $close = static function () use ($out, $in, $child): void {
        fclose($out);
        fclose($in);
        proc_close($child);
    };
} else {
    $worker = Ipc::spawn([PHP_BINARY, __DIR__ . '/bench-worker.php']);
    $echo = static fn (): string => $worker->call('bytes', Payload::raw($payload))->await();
    $got = 0;
    $worker->onNotification('n', static function () use (&$got): void {
        $got++;
    });
    $notify = static function (int $n) use ($worker, $size, &$got): int {
        $got = 0;
        $worker->call('notify', ['n' => $n, 'size' => $size])->await();
        return $got;
    };
    $close = static fn () => $worker->close();
}

if ($mode === 'echo') {
    for ($i = 0; $i < $warm; $i++) {
        $echo();
    }
    $start = hrtime(true);
    for ($i = 0; $i < $count; $i++) {
        $back = $echo();
    }
    $seconds = (hrtime(true) - $start) / 1e9;
    if ($back !== $payload) {
        fwrite(STDERR, "wrong echo\n");
        exit(1);
    }
} else {
    $notify($warm);
    $start = hrtime(true);
    $got = $notify($count);
    $seconds = (hrtime(true) - $start) / 1e9;
    if ($got !== $count) {
        fwrite(STDERR, "got $got of $count messages\n");
        exit(1);
    }
}
$close();
echo json_encode(['ops' => $count, 'seconds' => $seconds]), "\n";
