<?php

declare(strict_types=1);

// A pool test worker (sdk-java/src/test/java/io/parley/pool). Uses the SDK from this repository.
require dirname(__DIR__, 5) . '/sdk-php/src/autoload.php';

use Parley\Ipc;
use Parley\Session\RequestContext;

if (getenv('WORKER_FAIL_AT_START') === '1') {
    fwrite(STDERR, "worker.php: cannot start: the extension 'imaginary' is missing\n");
    exit(3);
}

$versionFile = getenv('WORKER_VERSION_FILE');
$version = $versionFile !== false ? trim((string) file_get_contents($versionFile)) : 'v0';
$hoard = [];

pcntl_async_signals(true);
$session = Ipc::worker();
$session->handle('echo', fn (mixed $p) => $p);
$session->handle('square', fn (array $p) => $p['n'] * $p['n']);
$session->handle('pid', fn () => getmypid());
$session->handle('version', fn () => $version);
$session->handle('sleep', function (array $p, RequestContext $ctx) {
    $ctx->sleep($p['ms'] / 1000);
    return getmypid();
});
$session->handle('block', function (array $p) {
    usleep($p['ms'] * 1000);
    return getmypid();
});
$session->handle('work', function (array $p) {
    // a little CPU per call, answer checkable by the caller
    $x = 0;
    for ($i = 0; $i < ($p['loops'] ?? 0); $i++) {
        $x += $i % 7;
    }
    return ['n' => $p['n'], 'sq' => $p['n'] * $p['n'], 'pid' => getmypid()];
});
$session->handle('progress', function (array $p, RequestContext $ctx) {
    for ($i = 1; $i <= $p['n']; $i++) {
        $ctx->progress(['done' => $i]);
    }
    return $p['n'];
});
$session->handle('stream', function (mixed $p, RequestContext $ctx) {
    // streams progress for ever, ignoring its deadline and cancellation
    for ($i = 0;; $i++) {
        $ctx->progress(['i' => $i]);
        try {
            $ctx->sleep(0.01);
        } catch (\Throwable) {
            // deliberately ignored
        }
    }
});
$session->handle('alloc', function (array $p) use (&$hoard) {
    $hoard[] = str_repeat('x', $p['mb'] * 1024 * 1024);
    return memory_get_usage();
});
$session->handle('crash', function (array $p) {
    fwrite(STDERR, "worker.php: about to crash with status {$p['code']}\n");
    exit($p['code']);
});
$session->handle('spin', function (array $p) {
    if (isset($p['grandchild_file'])) {
        $null = ['file', '/dev/null', 'r'];
        $out = ['file', '/dev/null', 'w'];
        $proc = proc_open(['sleep', '300'], [0 => $null, 1 => $out, 2 => $out], $pipes);
        file_put_contents($p['grandchild_file'], (string) proc_get_status($proc)['pid']);
    }
    if (isset($p['term_file'])) {
        $file = $p['term_file'];
        $ignore = $p['ignore_term'] ?? false;
        pcntl_signal(SIGTERM, function () use ($file, $ignore) {
            file_put_contents($file, 'TERM');
            if (!$ignore) {
                exit(0);
            }
        });
    }
    if (isset($p['started_file'])) {
        file_put_contents($p['started_file'], (string) getmypid());
    }
    $x = 0;
    while (true) {
        $x++;
    }
});
$session->run();
