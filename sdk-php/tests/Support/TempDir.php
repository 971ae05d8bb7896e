<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

/**
 * A private temporary directory removed with everything in it.
 */
final class TempDir
{
    public readonly string $path;

    public function __construct()
    {
        $this->path = sys_get_temp_dir() . '/parley-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->path, 0700);
    }

    public function remove(): void
    {
        foreach (glob($this->path . '/{,.}*', GLOB_BRACE) ?: [] as $file) {
            if (!in_array(basename($file), ['.', '..'], true)) {
                @unlink($file);
            }
        }
        @rmdir($this->path);
    }
}
