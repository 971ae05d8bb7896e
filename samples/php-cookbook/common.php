<?php

/*
 * Shared by every cookbook script: loads the Parley SDK (Composer's autoloader when there is one,
 * else sdk-php's own), and expect(), which ends the script with status 1 when a result is wrong,
 * so `php run-all.php` can be used as a smoke test.
 */

declare(strict_types=1);

// phpcs:disable PSR1.Files.SideEffects -- a script that also defines its helper

$vendor = __DIR__ . '/vendor/autoload.php';
require is_file($vendor) ? $vendor : __DIR__ . '/../../sdk-php/src/autoload.php';

function expect(bool $condition, string $what): void
{
    if (!$condition) {
        fwrite(STDERR, "UNEXPECTED: $what\n");
        exit(1);
    }
}
