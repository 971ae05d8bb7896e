<?php

/**
 * A stdio worker for the child-process tests.
 */

declare(strict_types=1);

use Parley\Codec\Payload;
use Parley\Ipc;
use Parley\Session\RequestContext;
use Parley\Session\SessionOptions;

require __DIR__ . '/../../src/autoload.php';

$session = Ipc::worker(new SessionOptions(peerName: 'test-worker'));
$session->handle('echo', static fn (mixed $params): mixed => $params);
$session->handle('pid', static fn (): int => getmypid());
$session->handle('bytes', static fn (string $bytes): Payload => Payload::raw($bytes));
$session->handle('sleep', static function (int $ms, RequestContext $context): string {
    $context->sleep($ms / 1000);
    return 'slept';
});
$session->handle(
    'callback',
    static fn (array $p, RequestContext $context): mixed => $context->call($p['method'], $p['params'] ?? null)->await(),
);
$session->handle('progress', static function (int $n, RequestContext $context): int {
    for ($i = 1; $i <= $n; $i++) {
        $context->progress(['progress' => $i, 'total' => $n]);
    }
    return $n;
});
$session->handle('notify-back', static function (int $n, RequestContext $context): int {
    for ($i = 1; $i <= $n; $i++) {
        $context->notify('note', ['i' => $i]);
    }
    return $n;
});
$session->handle('noisy', static function (): string {
    echo "echoed text\n";
    print 'printed ';
    print "text\n";
    var_dump(['dumped' => true]);
    printf("%s\n", 'formatted');
    trigger_error('a user warning', E_USER_WARNING);
    $undefined = [];
    $value = @$undefined['missing'];
    $x = $undefined['missing'] ?? null;
    fwrite(STDOUT, "written to STDOUT\n");
    pclose(popen('echo from a subprocess', 'w'));
    return 'still fine';
});
$session->handle('exit', static function (int $status): never {
    fwrite(STDERR, "exiting with $status\n");
    exit($status);
});
$session->handle('stats', static fn (): array => $session->stats());
$session->run();
