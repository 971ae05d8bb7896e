<?php

/**
 * The Parley side of the benchmark suite's PHP children (io.parley.benchmarks.suite):
 *   echo (any codec)          -> its params, in the codec of the request
 *   notify {n: int, size: int} -> sends n notifications "n" of `size` bytes, then answers n
 * `php bench-worker.php before` is the old default, measured as "before" in the same run:
 * automatic compression on whatever the transport, and (emulated, since the SDK now samples the
 * body first) a compression attempt on every answer of 4 KiB or more, thrown away when the
 * result is not smaller, as the old encoder did.
 */

declare(strict_types=1);

require __DIR__ . '/../../sdk-php/src/autoload.php';

use Parley\Codec\DeflateCompression;
use Parley\Codec\Payload;
use Parley\Codec\ZstdCompression;
use Parley\Internal\Call\AutoCompression;
use Parley\Ipc;
use Parley\Session\RequestContext;
use Parley\Session\SessionOptions;

$before = ($argv[1] ?? '') === 'before';
$session = Ipc::worker(new SessionOptions(autoCompression: $before ? true : null));
$compressor = ZstdCompression::available() ?? new DeflateCompression();
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
$session->run();
