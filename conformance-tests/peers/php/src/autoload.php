<?php

declare(strict_types=1);

/*
 * Autoloader of the PHP conformance peer: Parley\Peer\ -> this directory, and the SDK itself
 * (Parley\ -> sdk-php/src) through the SDK's own autoloader. The peer is test tooling: it is not
 * part of the Composer package.
 */

require_once __DIR__ . '/../../../../sdk-php/src/autoload.php';

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Parley\\Peer\\', 12) !== 0) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 12)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
