<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use FFI;
use FFI\CData;
use Parley\Exception\TransportException;

use function sprintf;

/**
 * A file mapped shared (MAP_SHARED) into this process, with byte, i32 and i64 views for the ring
 * (SPEC §9.4). Every offset handed to the accessors is checked by the caller against the ring's
 * bounds; the accessors themselves do not check, FFI does not either.
 */
final class Mapping
{
    private bool $unmapped = false;

    /** @var CData char* */
    public readonly CData $bytes;
    /** @var CData int32_t* */
    public readonly CData $i32;
    /** @var CData int64_t* */
    public readonly CData $i64;

    private function __construct(
        private readonly Libc $libc,
        private readonly CData $address,
        public readonly int $size,
        public readonly string $path,
    ) {
        $this->bytes = FFI::cast('char*', $address);
        $this->i32 = FFI::cast('int32_t*', $address);
        $this->i64 = FFI::cast('int64_t*', $address);
    }

    /**
     * Creates the file with O_CREAT|O_EXCL and mode 0600, writes every byte (zero fill, so that a
     * full tmpfs fails here instead of with a bus error later) and maps it.
     */
    public static function create(Libc $libc, string $path, int $size): self
    {
        $fd = $libc->ffi->open($path, Libc::O_RDWR | Libc::O_CREAT | Libc::O_EXCL | Libc::O_CLOEXEC, 0600);
        if ($fd < 0) {
            throw new TransportException(sprintf('cannot create the ring file %s (it may exist already)', $path));
        }
        try {
            $zeros = FFI::new('char[65536]');
            for ($done = 0; $done < $size;) {
                $n = $libc->ffi->write($fd, $zeros, min(65536, $size - $done));
                if ($n <= 0) {
                    @unlink($path);
                    throw new TransportException(sprintf(
                        'cannot fill the ring file %s to %d bytes (is /dev/shm full?)',
                        $path,
                        $size,
                    ));
                }
                $done += $n;
            }
            return self::map($libc, $fd, $path, $size);
        } finally {
            $libc->ffi->close($fd);
        }
    }

    /** Maps an existing file of exactly $size bytes. */
    public static function open(Libc $libc, string $path, int $size): self
    {
        clearstatcache(true, $path);
        $actual = @filesize($path);
        if ($actual === false) {
            throw new TransportException(sprintf('the ring file %s does not exist', $path));
        }
        if ($actual < $size) {
            throw new TransportException(sprintf(
                'the ring file %s has %d bytes, the header says %d',
                $path,
                $actual,
                $size,
            ));
        }
        $fd = $libc->ffi->open($path, Libc::O_RDWR | Libc::O_CLOEXEC);
        if ($fd < 0) {
            throw new TransportException(sprintf('cannot open the ring file %s', $path));
        }
        try {
            return self::map($libc, $fd, $path, $size);
        } finally {
            $libc->ffi->close($fd);
        }
    }

    /** Reads the first bytes of a file without mapping it (the header, to learn the size). */
    public static function peek(string $path, int $length): string
    {
        $data = @file_get_contents($path, false, null, 0, $length);
        if ($data === false || strlen($data) < $length) {
            $why = $data === false
                ? (error_get_last()['message'] ?? 'unreadable')
                : sprintf('only %d bytes', strlen($data));
            throw new TransportException(sprintf('cannot read the header of the ring file %s: %s', $path, $why));
        }
        return $data;
    }

    private static function map(Libc $libc, int $fd, string $path, int $size): self
    {
        $address = $libc->ffi->mmap(null, $size, Libc::PROT_READ_WRITE, Libc::MAP_SHARED, $fd, 0);
        // MAP_FAILED is (void*)-1.
        if ($address === null || FFI::cast('intptr_t', $address)->cdata === -1) {
            throw new TransportException(sprintf('cannot map the ring file %s (%d bytes)', $path, $size));
        }
        return new self($libc, $address, $size, $path);
    }

    /** Unmaps (idempotent). The views must not be used afterwards. */
    public function unmap(): void
    {
        if (!$this->unmapped) {
            $this->unmapped = true;
            $this->libc->ffi->munmap($this->address, $this->size);
        }
    }

    public function isMapped(): bool
    {
        return !$this->unmapped;
    }

    /** Copies $length bytes starting at $offset out of the mapping. */
    public function read(int $offset, int $length): string
    {
        return $length === 0 ? '' : FFI::string($this->bytes + $offset, $length);
    }

    /** Copies $length bytes of $data starting at $from into the mapping at $offset. */
    public function write(int $offset, string $data, int $from, int $length): void
    {
        if ($length === 0) {
            return;
        }
        FFI::memcpy($this->bytes + $offset, $from === 0 ? $data : substr($data, $from, $length), $length);
    }
}
