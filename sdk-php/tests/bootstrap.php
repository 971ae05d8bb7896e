<?php

declare(strict_types=1);

/*
 * Test bootstrap: a PSR-4 autoloader for Parley\ (src/) and Parley\Tests\ (tests/), so that
 * `phpunit` runs from a fresh clone without Composer. A Composer autoloader, when present, is used
 * as well (it adds nothing the SDK needs).
 */

$composer = __DIR__ . '/../vendor/autoload.php';
if (is_file($composer)) {
    require $composer;
}

require_once __DIR__ . '/../src/autoload.php';
// The conformance peer (test tooling outside the package), for tests/Peer.
require_once __DIR__ . '/../../conformance-tests/peers/php/src/autoload.php';

spl_autoload_register(static function (string $class): void {
    $prefix = 'Parley\\Tests\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
