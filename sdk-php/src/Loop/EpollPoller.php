<?php

declare(strict_types=1);

namespace Parley\Loop;

use FFI;
use Parley\Exception\TransportException;
use Throwable;

use function array_keys;
use function fstat;
use function is_resource;
use function readlink;
use function scandir;
use function stream_get_meta_data;

/**
 * Readiness through Linux epoll, called through FFI (issue 12 fault 1): unlike stream_select() it
 * watches descriptors of any number, so a process can hold thousands of connections. Level
 * triggered, so it reports exactly what select() would.
 *
 * PHP does not expose a stream's descriptor; it is found once per stream by matching the socket's
 * or pipe's inode (fstat) with the `socket:[inode]` / `pipe:[inode]` links of /proc/self/fd. Files
 * and terminals, which epoll cannot watch, are reported always ready, as select() does. Data already in a stream's PHP
 * read buffer counts as readable, as with stream_select().
 */
final class EpollPoller implements Poller
{
    private const EPOLLIN = 0x001;
    private const EPOLLOUT = 0x004;
    private const EPOLLERR = 0x008;
    private const EPOLLHUP = 0x010;
    private const CTL_ADD = 1;
    private const CTL_DEL = 2;
    private const CTL_MOD = 3;
    private const BATCH = 256;

    private FFI $libc;
    private int $epfd;
    private FFI\CData $event;
    private FFI\CData $events;
    /** @var array<int, resource> read key => stream */
    private array $read = [];
    /** @var array<int, resource> write key => stream */
    private array $write = [];
    /** @var array<int, int> key => descriptor */
    private array $fdOf = [];
    /** @var array<int, array{0: int|null, 1: int|null}> descriptor => [read key, write key] */
    private array $keysOf = [];
    /** @var array<int, int> descriptor => registered event mask */
    private array $mask = [];
    /** @var array{0: array<int, true>, 1: array<int, true>} keys of streams epoll cannot watch (files) */
    private array $alwaysReady = [[], []];

    private function __construct(FFI $libc, int $epfd)
    {
        $this->libc = $libc;
        $this->epfd = $epfd;
        $this->event = $libc->new('parley_epoll_event');
        $this->events = $libc->new('parley_epoll_event[' . self::BATCH . ']');
    }

    public function __destruct()
    {
        $this->libc->close($this->epfd);
    }

    /** The epoll poller, or null where it cannot work (not Linux, no FFI, no /proc). */
    public static function create(): ?self
    {
        if (PHP_OS_FAMILY !== 'Linux' || !extension_loaded('ffi') || !is_dir('/proc/self/fd')) {
            return null;
        }
        // x86-64 packs struct epoll_event (12 bytes); other ABIs align its 64-bit data member.
        $layout = php_uname('m') === 'x86_64'
            ? 'typedef struct { uint32_t events; uint32_t data_lo; uint32_t data_hi; } parley_epoll_event;'
            : 'typedef struct { uint32_t events; uint32_t pad; uint32_t data_lo; uint32_t data_hi; }'
                . ' parley_epoll_event;';
        try {
            $libc = FFI::cdef($layout . '
                int epoll_create1(int flags);
                int epoll_ctl(int epfd, int op, int fd, parley_epoll_event *event);
                int epoll_wait(int epfd, parley_epoll_event *events, int maxevents, int timeout);
                int close(int fd);', 'libc.so.6');
            $epfd = $libc->epoll_create1(0x80000); // EPOLL_CLOEXEC
        } catch (Throwable) {
            return null; // FFI disabled (ffi.enable) or no libc.so.6
        }
        return $epfd < 0 ? null : new self($libc, $epfd);
    }

    public function addRead(int $key, mixed $stream): void
    {
        $this->read[$key] = $stream;
        $this->register($key, $stream, 0);
    }

    public function removeRead(int $key): void
    {
        unset($this->read[$key]);
        $this->unregister($key, 0);
    }

    public function addWrite(int $key, mixed $stream): void
    {
        $this->write[$key] = $stream;
        $this->register($key, $stream, 1);
    }

    public function removeWrite(int $key): void
    {
        unset($this->write[$key]);
        $this->unregister($key, 1);
    }

    public function isEmpty(): bool
    {
        return $this->read === [] && $this->write === [];
    }

    public function wait(?float $timeout): array
    {
        if ($this->isEmpty()) {
            if ($timeout !== null && $timeout > 0) {
                usleep((int) ($timeout * 1e6));
            }
            return [[], []];
        }
        $readable = $this->alwaysReady[0];
        $writable = $this->alwaysReady[1];
        foreach ($this->read as $key => $stream) {
            if (!is_resource($stream) || stream_get_meta_data($stream)['unread_bytes'] > 0) {
                // buffered in PHP already: epoll cannot see it; or closed: the reader sees the end
                $readable[$key] = true;
            }
        }
        foreach ($this->write as $key => $stream) {
            if (!is_resource($stream)) {
                $writable[$key] = true;
            }
        }
        $ms = $timeout === null ? -1 : (int) ceil(max(0.0, $timeout) * 1000);
        if ($readable !== [] || $writable !== []) {
            $ms = 0;
        }
        $n = $this->libc->epoll_wait($this->epfd, $this->events, self::BATCH, $ms);
        for ($i = 0; $i < $n; $i++) {
            $ev = $this->events[$i];
            $keys = $this->keysOf[$ev->data_lo] ?? null;
            if ($keys === null) {
                continue;
            }
            $bad = ($ev->events & (self::EPOLLERR | self::EPOLLHUP)) !== 0;
            if ($keys[0] !== null && ($bad || ($ev->events & self::EPOLLIN) !== 0)) {
                $readable[$keys[0]] = true;
            }
            if ($keys[1] !== null && ($bad || ($ev->events & self::EPOLLOUT) !== 0)) {
                $writable[$keys[1]] = true;
            }
        }
        return [array_keys($readable), array_keys($writable)];
    }

    /** @param resource $stream */
    private function register(int $key, mixed $stream, int $slot): void
    {
        try {
            $fd = $this->fdOf[$key] ?? self::descriptorOf($stream, $this->keysOf);
        } catch (TransportException) {
            // a regular file or a terminal: select() reports those always ready, and so do we
            $this->alwaysReady[$slot][$key] = true;
            return;
        }
        $this->fdOf[$key] = $fd;
        $keys = $this->keysOf[$fd] ?? [null, null];
        $keys[$slot] = $key;
        $this->keysOf[$fd] = $keys;
        $this->apply($fd);
    }

    private function unregister(int $key, int $slot): void
    {
        unset($this->alwaysReady[$slot][$key]);
        $fd = $this->fdOf[$key] ?? null;
        if ($fd === null || !isset($this->keysOf[$fd]) || $this->keysOf[$fd][$slot] !== $key) {
            return;
        }
        $this->keysOf[$fd][$slot] = null;
        if ($this->keysOf[$fd] === [null, null]) {
            unset($this->keysOf[$fd]);
        }
        if (!isset($this->read[$key]) && !isset($this->write[$key])) {
            unset($this->fdOf[$key]);
        }
        $this->apply($fd);
    }

    /** Brings the kernel's interest set for $fd in line with the registered keys. */
    private function apply(int $fd): void
    {
        $keys = $this->keysOf[$fd] ?? [null, null];
        $want = ($keys[0] !== null ? self::EPOLLIN : 0) | ($keys[1] !== null ? self::EPOLLOUT : 0);
        $had = $this->mask[$fd] ?? 0;
        if ($want === $had) {
            return;
        }
        $this->event->events = $want;
        $this->event->data_lo = $fd;
        $this->event->data_hi = 0;
        if ($want === 0) {
            unset($this->mask[$fd]);
            // fails harmlessly when the stream was closed first: the kernel dropped it already
            $this->libc->epoll_ctl($this->epfd, self::CTL_DEL, $fd, FFI::addr($this->event));
            return;
        }
        $op = $had === 0 ? self::CTL_ADD : self::CTL_MOD;
        if ($this->libc->epoll_ctl($this->epfd, $op, $fd, FFI::addr($this->event)) !== 0) {
            // a closed descriptor was reused by a new stream: the kernel forgot the old one
            $op = $op === self::CTL_ADD ? self::CTL_MOD : self::CTL_ADD;
            if ($this->libc->epoll_ctl($this->epfd, $op, $fd, FFI::addr($this->event)) !== 0) {
                throw new TransportException("epoll cannot watch descriptor $fd");
            }
        }
        $this->mask[$fd] = $want;
    }

    /**
     * The descriptor of a socket stream: the /proc/self/fd entry linking to its inode. Entries
     * already known to belong to registered streams are skipped, so a new stream costs one
     * directory listing and a few readlink() calls.
     *
     * @param resource $stream
     * @param array<int, mixed> $known descriptors in use by registered streams
     */
    public static function descriptorOf(mixed $stream, array $known = []): int
    {
        $stat = @fstat($stream);
        if ($stat === false) {
            throw new TransportException('cannot watch a stream that fstat() cannot describe');
        }
        $targets = ['socket:[' . $stat['ino'] . ']' => true, 'pipe:[' . $stat['ino'] . ']' => true];
        $entries = @scandir('/proc/self/fd', SCANDIR_SORT_NONE) ?: [];
        $fds = [];
        foreach ($entries as $entry) {
            if ($entry !== '.' && $entry !== '..' && !isset($known[(int) $entry])) {
                $fds[] = (int) $entry;
            }
        }
        // newest first: a new socket usually has the highest descriptor, so this ends at once
        rsort($fds);
        $found = null;
        foreach ($fds as $fd) {
            if (isset($targets[(string) @readlink('/proc/self/fd/' . $fd)])) {
                $found = $fd;
                break;
            }
        }
        if ($found === null) {
            throw new TransportException('cannot find the descriptor of a stream to watch (not a socket or a pipe)');
        }
        return $found;
    }
}
