<?php

declare(strict_types=1);

namespace Parley\Transport;

use Closure;
use Parley\Exception\TransportException;
use Parley\Internal\Ring\ChildBoundTransport;
use Parley\Internal\Ring\Libc;
use Parley\Internal\Ring\RingChild;
use Parley\Internal\Ring\RingFile;
use Parley\Internal\Ring\RingLayout;
use Parley\Internal\Ring\RingUnavailableException;
use Parley\Loop\EventLoop;
use Parley\Process\ChildProcess;

use function sprintf;

/**
 * The parent side of the shared-memory ring (SPEC §9.4 "Lifecycle"): creates the ring file
 * (O_EXCL, 0600, zero-filled, `/dev/shm/parley-<pid>-<start time>-<random>`) and a Unix socket in
 * a fresh 0700 directory, starts the child with `PARLEY_RING_FILE`, `PARLEY_RING_SOCKET` and
 * `PARLEY_RING_SESSION`, waits for its hello and unlinks both names at once.
 *
 * A child that declines the ring (`"PRLD"`) keeps the socket as a stream transport (§9.2); the
 * reason is logged once per process. When this process cannot create the ring itself,
 * {@see launch()} throws a {@see RingUnavailableException}-based {@see TransportException} and
 * {@see \Parley\Ipc::spawnRing()} starts the child over stdio instead, also logged once.
 */
final class RingLauncher
{
    private static bool $declineLogged = false;

    private function __construct()
    {
    }

    /**
     * @param list<string>|string $command
     * @param array<string, string>|null $env
     * @param Closure(string): void $log receives the once-per-process decline warning
     * @param Closure(string): void|null $onStderrLine
     */
    public static function launch(
        array|string $command,
        int $capacity,
        float $helloTimeout,
        EventLoop $loop,
        Closure $log,
        ?string $cwd = null,
        ?array $env = null,
        ?Closure $onStderrLine = null,
    ): Transport {
        try {
            $libc = Libc::load();
        } catch (RingUnavailableException $e) {
            throw new TransportException('this process cannot create the shared-memory ring: ' . $e->getMessage(), $e);
        }
        $dir = sprintf('%s/parley-ring-%s', rtrim(sys_get_temp_dir(), '/'), bin2hex(random_bytes(8)));
        if (!@mkdir($dir, 0700)) {
            throw new TransportException(sprintf('cannot create the private directory %s for the ring socket', $dir));
        }
        $socketPath = $dir . '/ring.sock';
        $shm = is_dir('/dev/shm') ? '/dev/shm' : sys_get_temp_dir();
        $path = sprintf('%s/parley-%d-%d-%s', $shm, getmypid(), self::startTime(), bin2hex(random_bytes(16)));
        $server = null;
        $cleanup = static function () use (&$server, $socketPath, $dir, $path): void {
            if (is_resource($server)) {
                @fclose($server);
            }
            @unlink($socketPath);
            @rmdir($dir);
            @unlink($path);
        };
        try {
            $errno = 0;
            $error = '';
            $server = @stream_socket_server('unix://' . $socketPath, $errno, $error);
            if ($server === false) {
                throw new TransportException(sprintf('cannot listen on %s: %s', $socketPath, $error));
            }
            @chmod($socketPath, 0600);
            do {
                $sessionId = random_bytes(8);
            } while ($sessionId === str_repeat("\0", 8));
            $ring = RingFile::create($libc, $path, $capacity, $sessionId);
            $env = ($env ?? getenv()) + [
                'PARLEY_RING_FILE' => $path,
                'PARLEY_RING_SOCKET' => $socketPath,
                'PARLEY_RING_SESSION' => RingFile::sessionIdToHex($sessionId),
            ];
            $child = ChildProcess::start($command, $cwd, $env, $onStderrLine);
            $childTransport = new RingChild($child, $loop, $log);
            [$socket, $hello] = self::accept($server, $child, $childTransport, $helloTimeout);
            $cleanup();
            $reason = self::checkHello($socket, $hello, $sessionId, $childTransport);
            if ($reason !== null) {
                $ring->map->unmap();
                if (!self::$declineLogged) {
                    self::$declineLogged = true;
                    $log(sprintf('the child declined the shared-memory ring, using its socket instead: %s', $reason));
                }
                return new ChildBoundTransport(
                    new StreamTransport($socket, $socket, sprintf('child pid %d (ring socket)', $child->pid())),
                    $childTransport,
                );
            }
            $description = sprintf('child %s (pid %d, shared-memory ring)', $child->commandLine(), $child->pid());
            return new RingTransport($ring, $socket, $libc, $loop, $description, $childTransport);
        } catch (\Throwable $e) {
            $cleanup();
            throw $e instanceof TransportException ? $e : new TransportException($e->getMessage(), $e);
        }
    }

    /**
     * @param resource $server
     * @return array{resource, string} the connection and its first 16 bytes
     */
    private static function accept(mixed $server, ChildProcess $child, RingChild $ct, float $timeout): array
    {
        $deadline = hrtime(true) + (int) ($timeout * 1e9);
        while (true) {
            $socket = @stream_socket_accept($server, 0.05);
            if ($socket !== false) {
                break;
            }
            if (!$child->isRunning()) {
                throw $ct->peerGone('the child exited before attaching to the shared-memory ring');
            }
            if (hrtime(true) > $deadline) {
                $ct->close();
                throw new TransportException(sprintf(
                    'no ring hello from pid %d within %.1f s',
                    $child->pid(),
                    $timeout,
                ));
            }
        }
        stream_set_timeout($socket, (int) ceil($timeout));
        $hello = self::readExactly($socket, 16);
        if ($hello === null) {
            $ct->close();
            throw $ct->peerGone('the child closed the ring socket before its hello');
        }
        return [$socket, $hello];
    }

    /** @return string|null the decline reason, or null when the child attached */
    private static function checkHello(
        mixed $socket,
        string $hello,
        string $sessionId,
        RingChild $ct,
    ): ?string {
        $kind = substr($hello, 0, 4);
        if (($kind !== 'PRLA' && $kind !== 'PRLD') || substr($hello, 4, 8) !== $sessionId) {
            $ct->close();
            throw new TransportException('the child sent an invalid ring hello (wrong magic or session id)');
        }
        if ($kind === 'PRLA') {
            return null;
        }
        $length = self::readExactly($socket, 2);
        $size = $length === null ? 0 : unpack('v', $length)[1];
        $reason = $size > 0 && $size <= 512 ? self::readExactly($socket, $size) : null;
        if ($reason === null) {
            $ct->close();
            throw new TransportException('the child declined the ring with an invalid reason field');
        }
        return $reason;
    }

    /** @param resource $socket */
    private static function readExactly(mixed $socket, int $length): ?string
    {
        $data = '';
        while (strlen($data) < $length) {
            $chunk = @fread($socket, $length - strlen($data));
            if ($chunk === false || $chunk === '') {
                return null;
            }
            $data .= $chunk;
        }
        return $data;
    }

    /** This process's start time in clock ticks since boot (/proc), for the file name; 0 if unknown. */
    private static function startTime(): int
    {
        $stat = @file_get_contents('/proc/self/stat');
        if ($stat === false) {
            return 0;
        }
        $fields = explode(' ', substr($stat, strrpos($stat, ')') + 2));
        return (int) ($fields[19] ?? 0);
    }

    /** The default ring capacity (1 MiB). */
    public static function defaultCapacity(): int
    {
        return RingLayout::DEFAULT_CAPACITY;
    }
}
