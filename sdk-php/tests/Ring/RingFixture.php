<?php

declare(strict_types=1);

namespace Parley\Tests\Ring;

use Parley\Internal\Ring\Libc;
use Parley\Internal\Ring\RingFile;
use PHPUnit\Framework\TestCase;

/**
 * A ring file mapped twice in this process: the parent's view and the child's view of the same
 * bytes, as two processes would see them. The name is unlinked at once.
 */
final class RingFixture
{
    public readonly RingFile $parent;
    public readonly RingFile $child;
    public readonly Libc $libc;

    public function __construct(int $capacity = 65536)
    {
        $reason = Libc::unavailableReason();
        if ($reason !== null) {
            TestCase::markTestSkipped('the ring needs FFI here: ' . $reason);
        }
        $this->libc = Libc::load();
        $path = (is_dir('/dev/shm') ? '/dev/shm' : sys_get_temp_dir())
            . '/parley-test-ring-' . bin2hex(random_bytes(8));
        $session = random_bytes(8);
        $this->parent = RingFile::create($this->libc, $path, $capacity, $session);
        try {
            $this->child = RingFile::attach($this->libc, $path, $session);
        } finally {
            unlink($path);
        }
    }

    public function close(): void
    {
        $this->parent->map->unmap();
        $this->child->map->unmap();
    }
}
