<?php

/**
 * The Parley side of the benchmark suite's PHP peers (io.parley.benchmarks.BenchSuite):
 *   echo (any codec)             -> its params, in the codec of the request
 *   bytes (raw)                  -> the same bytes, raw
 *   notify {n: int, size: int}   -> sends n notifications "n" of `size` bytes, then answers n
 *   bench-note (notification)    -> counted
 *   bench-count (int target)     -> the number of bench-note received so far (notifications are
 *                                   handled in order, before a later request: SPEC §6)
 * Started as `php bench-worker.php [before|pieces]` it is a worker (stdio, or the shared-memory ring when the
 * parent offers one); `php bench-worker.php listen ADDRESS` serves one connection on
 * unix:///path or tcp://127.0.0.1:0 and prints "LISTENING /path" or "LISTENING 127.0.0.1:port" first.
 * `before` is the old default, measured as "before" in the same run: automatic compression on
 * whatever the transport, and (emulated, since the SDK now samples the body first) a compression
 * attempt on every answer of 4 KiB or more, thrown away when the result is not smaller, as the old
 * encoder did. `pieces` turns on SessionOptions::$rawPieces: `echo` then receives a large raw body as a
 * Payload of pieces and answers with it, unjoined (the 64 MiB row's "pieces" contender).
 */

declare(strict_types=1);

require __DIR__ . '/../../../sdk-php/src/autoload.php';

use Parley\Codec\DeflateCompression;
use Parley\Codec\Payload;
use Parley\Codec\ZstdCompression;
use Parley\Internal\Call\AutoCompression;
use Parley\Ipc;
use Parley\Session\RequestContext;
use Parley\Session\Session;
use Parley\Session\SessionOptions;

$before = ($argv[1] ?? '') === 'before';
// `pieces`: a large raw body arrives as a Payload of its frames' bodies and is echoed as such, never joined
$options = new SessionOptions(autoCompression: $before ? true : null, rawPieces: ($argv[1] ?? '') === 'pieces');

$register = static function (Session $session) use ($before): void {
    $compressor = ZstdCompression::available() ?? new DeflateCompression();
    $notes = 0;
    $session->handle('echo', static fn (mixed $p): mixed => $p);
    $session->handle('bytes', static function (string $bytes) use ($before, $compressor): Payload {
        if ($before && strlen($bytes) >= 4096 && AutoCompression::looksIncompressible($bytes)) {
            $compressor->compress($bytes); // the old encoder's attempt, its result not smaller
        }
        return Payload::raw($bytes);
    });
    $session->handle('notify', static function (array $p, RequestContext $context): int {
        $payload = str_repeat('x', (int) $p['size']);
        $peer = $context->session();
        for ($i = 0, $n = (int) $p['n']; $i < $n; $i++) {
            $peer->notify('n', $payload);
        }
        return $n;
    });
    $session->onNotification('bench-note', static function () use (&$notes): void {
        $notes++;
    });
    $session->handle('bench-count', static function () use (&$notes): int {
        return $notes;
    });
};

if (($argv[1] ?? '') === 'listen') {
    $server = null;
    $server = Ipc::listen($argv[2], static function (Session $session) use ($register, &$server): void {
        $register($session);
        $session->onClose(static function () use (&$server): void {
            $server?->close();
        });
    }, $options);
    echo 'LISTENING ', $server->displayAddress(), "\n";
    Ipc::run();
    exit(0);
}

$session = Ipc::worker($options);
$register($session);
$session->run();
