<?php

/**
 * A PHP parent (or client) for the benchmark suite's PHP rows (io.parley.benchmarks.BenchSuite):
 *
 *   php php-pair.php IMPL MODE SIZE COUNT PAYLOAD TARGET [ARGS...]
 *
 *   IMPL     raw (the floor: length-prefixed frames, no library) | parley
 *   MODE     echo      COUNT round trips of SIZE bytes, one at a time
 *            inflight  COUNT round trips of SIZE bytes, 64 in flight
 *            notify    the peer sends COUNT one-way messages of SIZE bytes to this process
 *            send      this process sends COUNT one-way messages of SIZE bytes to the peer
 *   PAYLOAD  x (SIZE bytes of 'x': compressible) | random (incompressible)
 *   TARGET   child            starts raw-echo.php (raw) or bench-worker.php (parley) on pipes
 *            ring             parley only: starts bench-worker.php on the shared-memory ring
 *            cmd ARGV...      starts ARGV on pipes (a Java peer, for instance)
 *            connect ADDRESS  connects to a listening peer: /path (Unix socket) or host:port (TCP)
 *
 * Prints one JSON line: {"ops": COUNT, "seconds": s}. Exits with 3 when the ring child declined the ring.
 */

declare(strict_types=1);

require __DIR__ . '/../../../sdk-php/src/autoload.php';

use Parley\Codec\Payload;
use Parley\Ipc;
use Parley\Transport\RingTransport;

const WINDOW = 64;
const DIRECT = 65536;

[, $impl, $mode, $size, $count, $kind, $target] = $argv + [null, 'raw', 'echo', '32', '1000', 'x', 'child'];
$rest = array_slice($argv, 7);
$size = (int) $size;
$count = (int) $count;
$warm = max(1, intdiv($count, 10));
$payload = $kind === 'random' ? random_bytes($size) : str_repeat('x', $size);
$address = static fn (string $a): string => str_starts_with($a, '/') ? "unix://$a" : "tcp://$a";

if ($impl === 'raw') {
    $child = null;
    if ($target === 'connect') {
        $context = stream_context_create(['socket' => ['tcp_nodelay' => true]]);
        $in = $out = stream_socket_client($address($rest[0]), $code, $message, 10, STREAM_CLIENT_CONNECT, $context);
        if ($in === false) {
            fwrite(STDERR, "php-pair.php: cannot connect to {$rest[0]}: $message\n");
            exit(1);
        }
    } else {
        $command = $target === 'cmd' ? $rest : [PHP_BINARY, __DIR__ . '/raw-echo.php'];
        $child = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
        [$out, $in] = [$pipes[0], $pipes[1]];
    }
    $readExactly = static function (int $n) use ($in): string {
        if ($n >= DIRECT) {
            stream_set_read_buffer($in, 0);
            $body = stream_get_contents($in, $n);
            stream_set_read_buffer($in, 8192);
            if (!is_string($body) || strlen($body) !== $n) {
                throw new RuntimeException('raw peer ended');
            }
            return $body;
        }
        $buffer = '';
        while (strlen($buffer) < $n) {
            $chunk = fread($in, $n - strlen($buffer));
            if ($chunk === false || $chunk === '') {
                throw new RuntimeException('raw peer ended');
            }
            $buffer .= $chunk;
        }
        return $buffer;
    };
    $head = pack('N', $size);
    $frame = $head . $payload;
    $send = $size >= DIRECT
        ? static function () use ($out, $head, $payload): void {
            fwrite($out, $head);
            fwrite($out, $payload);
        }
        : static function () use ($out, $frame): void {
            fwrite($out, $frame);
        };
    $receive = static fn (): string => $readExactly(unpack('N', $readExactly(4))[1]);
    $echo = static function () use ($send, $receive): string {
        $send();
        return $receive();
    };
    $inflight = static function (int $n) use ($send, $receive): string {
        $back = '';
        for ($sent = 0; $sent < min(WINDOW, $n); $sent++) {
            $send();
        }
        for ($i = 0; $i < $n; $i++) {
            $back = $receive();
            if ($sent < $n) {
                $send();
                $sent++;
            }
        }
        return $back;
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
    $sendMany = static function (int $n) use ($out, $send, $readExactly): int {
        fwrite($out, pack('N', 5) . "\x02" . pack('N', $n));
        for ($i = 0; $i < $n; $i++) {
            $send();
        }
        return unpack('N', $readExactly(4))[1] === 0 ? $n : -1;
    };
    $close = static function () use ($out, $in, $child): void {
        fclose($out);
        if ($in !== $out) {
            fclose($in);
        }
        if ($child !== null) {
            proc_close($child);
        }
    };
} else {
    $worker = match ($target) {
        'connect' => Ipc::connect($address($rest[0])),
        'ring' => Ipc::spawnRing([PHP_BINARY, __DIR__ . '/bench-worker.php']),
        'cmd' => Ipc::spawn($rest),
        default => Ipc::spawn([PHP_BINARY, __DIR__ . '/bench-worker.php']),
    };
    if ($target === 'ring' && !($worker->transport() instanceof RingTransport)) {
        fwrite(STDERR, "php-pair.php: the child declined the ring\n");
        exit(3);
    }
    $raw = Payload::raw($payload);
    $echo = static fn (): string => $worker->call('echo', $raw)->await();
    $inflight = static function (int $n) use ($worker, $raw): string {
        $window = [];
        $back = '';
        for ($sent = 0; $sent < min(WINDOW, $n); $sent++) {
            $window[$sent % WINDOW] = $worker->call('echo', $raw);
        }
        for ($i = 0; $i < $n; $i++) {
            $back = $window[$i % WINDOW]->await();
            if ($sent < $n) {
                $window[$sent % WINDOW] = $worker->call('echo', $raw);
                $sent++;
            }
        }
        return $back;
    };
    $got = 0;
    $worker->onNotification('n', static function () use (&$got): void {
        $got++;
    });
    $notify = static function (int $n) use ($worker, $size, &$got): int {
        $got = 0;
        $worker->call('notify', ['n' => $n, 'size' => max(0, $size - 2)])->await(); // JSON strings of SIZE bytes
        return $got;
    };
    $note = str_repeat('x', max(0, $size - 2)); // a JSON string of SIZE bytes with its quotes
    $sent = 0;
    $sendMany = static function (int $n) use ($worker, $note, &$sent): int {
        for ($i = 0; $i < $n; $i++) {
            $worker->notify('bench-note', $note);
        }
        $sent += $n;
        $seen = $worker->call('bench-count', $sent)->await(); // the peer's total so far
        return $seen >= $sent ? $n : -1;
    };
    $close = static fn () => $worker->close();
}

if ($mode === 'echo' || $mode === 'inflight') {
    $run = $mode === 'echo'
        ? static function (int $n) use ($echo): string {
            $back = '';
            for ($i = 0; $i < $n; $i++) {
                $back = $echo();
            }
            return $back;
        }
        : $inflight;
    $run($warm);
    $start = hrtime(true);
    $back = $run($count);
    $seconds = (hrtime(true) - $start) / 1e9;
    if ($back !== $payload) {
        fwrite(STDERR, "php-pair.php: the echo came back different\n");
        exit(1);
    }
} else {
    $many = $mode === 'notify' ? $notify : $sendMany;
    $many($warm);
    $start = hrtime(true);
    $got = $many($count);
    $seconds = (hrtime(true) - $start) / 1e9;
    if ($got !== $count) {
        fwrite(STDERR, "php-pair.php: $got of $count one-way messages arrived\n");
        exit(1);
    }
}
$close();
echo json_encode(['ops' => $count, 'seconds' => $seconds]), "\n";
