<?php

declare(strict_types=1);

/*
 * PSR-4 autoloader for Parley\ -> src/, for scripts and workers that do not use Composer
 * (`require 'path/to/sdk-php/src/autoload.php';`). Composer users never need this file.
 */

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Parley\\', 7) !== 0) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 7)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
