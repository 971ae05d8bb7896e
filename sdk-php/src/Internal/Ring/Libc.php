<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use FFI;
use FFI\CData;

/**
 * The few libc calls the shared-memory ring needs (SPEC §9.4), through FFI: open/close/write,
 * mmap/munmap, and a full memory fence.
 *
 * PHP has no fence of its own. On x86-64 a `lock`-prefixed instruction is a full fence, and
 * glibc's and musl's `pthread_spin_trylock` execute one (`lock cmpxchg` / `xchg`); the lock is a
 * private word that is always released again, so every call takes the locked path. Plain aligned
 * 4- and 8-byte FFI loads and stores are single `mov`s, which x86-64 (TSO) keeps in program order:
 * a store is a release, a load an acquire. Other architectures need real atomics, so
 * {@see load()} declines them and the parent falls back to another transport.
 */
final class Libc
{
    public const O_RDWR = 0x2;
    public const O_CREAT = 0x40;
    public const O_EXCL = 0x80;
    public const O_CLOEXEC = 0x80000;
    public const PROT_READ_WRITE = 0x3;
    public const MAP_SHARED = 0x1;

    private const DECLARATIONS = <<<'C'
        int open(const char *pathname, int flags, ...);
        int close(int fd);
        long write(int fd, const void *buf, size_t count);
        void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset);
        int munmap(void *addr, size_t length);
        int pthread_spin_trylock(int *lock);
        int pthread_spin_unlock(int *lock);
        C;

    private static ?self $instance = null;
    private static ?string $unavailable = null;

    private function __construct(
        public readonly FFI $ffi,
        private readonly CData $fenceWord,
        private readonly CData $fenceAddress,
    ) {
    }

    /**
     * The binding, or throws {@see RingUnavailableException} saying why the ring cannot be used
     * here (FFI missing or disabled, not Linux x86-64).
     */
    public static function load(): self
    {
        if (self::$instance !== null) {
            return self::$instance;
        }
        if (self::$unavailable !== null) {
            throw new RingUnavailableException(self::$unavailable);
        }
        try {
            return self::$instance = self::bind();
        } catch (RingUnavailableException $e) {
            self::$unavailable = $e->getMessage();
            throw $e;
        }
    }

    /** Why the ring cannot be used in this process, or null when it can. */
    public static function unavailableReason(): ?string
    {
        try {
            self::load();
            return null;
        } catch (RingUnavailableException $e) {
            return $e->getMessage();
        }
    }

    /** A full fence (StoreLoad included), for the sleep/wake handshake of §9.4. */
    public function fence(): void
    {
        if ($this->ffi->pthread_spin_trylock($this->fenceAddress) === 0) {
            $this->ffi->pthread_spin_unlock($this->fenceAddress);
        }
    }

    private static function bind(): self
    {
        if (!extension_loaded('ffi')) {
            throw new RingUnavailableException('the FFI extension is not loaded');
        }
        if (PHP_OS_FAMILY !== 'Linux' || !in_array(php_uname('m'), ['x86_64', 'amd64'], true)) {
            throw new RingUnavailableException(sprintf(
                'the ring needs Linux on x86-64 (ordered plain loads and stores); this is %s %s',
                PHP_OS_FAMILY,
                php_uname('m'),
            ));
        }
        try {
            // Without a library name the symbols resolve in the process itself (glibc and musl).
            $ffi = FFI::cdef(self::DECLARATIONS);
            $word = FFI::new('int', false);
        } catch (\Throwable $e) {
            throw new RingUnavailableException('FFI cannot be used (' . $e->getMessage()
                . '); enable it with ffi.enable=1 (or "preload" for the CLI)');
        }
        if (!$word instanceof CData) {
            throw new RingUnavailableException('FFI cannot allocate memory');
        }
        $word->cdata = 0;
        return new self($ffi, $word, FFI::addr($word));
    }
}
