<?php

declare(strict_types=1);

namespace Parley\Stdio;

use Parley\Exception\TransportException;
use Parley\Internal\Ring\Libc;
use Parley\Internal\Ring\RingFile;
use Parley\Internal\Ring\RingUnavailableException;
use Parley\Loop\EventLoop;
use Parley\Process\ParentWatch;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\RingTransport;
use Parley\Transport\Role;
use Parley\Transport\StreamTransport;

use function sprintf;

/**
 * The child side of a worker launched on the shared-memory ring (SPEC §9.4): the parent created
 * the ring file and a private Unix socket and put `PARLEY_RING_FILE`, `PARLEY_RING_SOCKET` and
 * `PARLEY_RING_SESSION` in the environment. The worker maps the file, checks its header, connects
 * the socket and says `"PRLA"` + session id + pid; the session (parent = initiator) then runs over
 * the rings.
 *
 * When this process cannot use the ring (FFI missing or `ffi.enable` off, not x86-64 Linux, an
 * invalid header) it declines: `"PRLD"` + session id + pid + the reason, one line on stderr, and
 * the session runs over that same socket as a stream (§9.2). Never silently.
 */
final class RingWorker
{
    public const ENV_FILE = 'PARLEY_RING_FILE';
    public const ENV_SOCKET = 'PARLEY_RING_SOCKET';
    public const ENV_SESSION = 'PARLEY_RING_SESSION';

    private function __construct()
    {
    }

    /** The session over the ring when the environment asks for it, else null. */
    public static function fromEnvironment(SessionOptions $options, EventLoop $loop): ?Session
    {
        $file = getenv(self::ENV_FILE);
        if (!is_string($file) || $file === '') {
            return null;
        }
        $socketPath = (string) getenv(self::ENV_SOCKET);
        $sessionHex = (string) getenv(self::ENV_SESSION);
        foreach ([self::ENV_FILE, self::ENV_SOCKET, self::ENV_SESSION] as $name) {
            putenv($name);
            unset($_ENV[$name], $_SERVER[$name]);
        }
        ParentWatch::start();
        ini_set('display_errors', 'stderr');
        ini_set('html_errors', '0');
        $transport = self::attach($file, $socketPath, $sessionHex, $loop);
        if ($transport instanceof RingTransport) {
            self::watchStdin($transport, $loop);
        }
        return new Session($transport, Role::Acceptor, $options, $loop, 0.0);
    }

    /**
     * Maps the ring and connects the doorbell socket; declines the ring (and returns a stream
     * transport over the socket) when this process cannot use it.
     *
     * @return RingTransport|StreamTransport
     */
    public static function attach(string $file, string $socketPath, string $sessionHex, EventLoop $loop): mixed
    {
        // map first (SPEC §9.4 step 4): the parent unlinks the file the moment this side connects
        $sessionId = '';
        $ring = null;
        $libc = null;
        $declined = null;
        try {
            $sessionId = RingFile::sessionIdFromHex($sessionHex);
            $libc = Libc::load();
            $ring = RingFile::attach($libc, $file, $sessionId);
        } catch (RingUnavailableException $e) {
            $declined = substr($e->getMessage(), 0, 512);
        }
        $errno = 0;
        $error = '';
        $socket = @stream_socket_client('unix://' . $socketPath, $errno, $error, 10.0);
        if ($socket === false) {
            throw new TransportException(sprintf(
                'cannot connect the ring socket %s given in %s: %s',
                $socketPath,
                self::ENV_SOCKET,
                $error,
            ));
        }
        $description = sprintf('parent of pid %d (shared-memory ring)', getmypid());
        if ($ring === null || $libc === null) {
            $reason = (string) $declined;
            $sessionId = strlen($sessionId) === 8 ? $sessionId : str_repeat("\0", 8);
            self::send($socket, 'PRLD' . $sessionId . pack('Vv', getmypid(), strlen($reason)) . $reason);
            @fwrite(STDERR, sprintf(
                "parley: declining the shared-memory ring, using its socket as a stream instead: %s\n",
                $reason,
            ));
            return new StreamTransport($socket, $socket, sprintf('parent of pid %d (ring socket)', getmypid()));
        }
        self::send($socket, 'PRLA' . $sessionId . pack('V', getmypid()));
        return new RingTransport($ring, $socket, $libc, $loop, $description);
    }

    /**
     * The parent holds this child's stdin open for the whole session and closes it when the
     * session ends (SPEC §9.4 step 3); its end is the end of the input, as over stdio (§9.1).
     */
    private static function watchStdin(RingTransport $transport, EventLoop $loop): void
    {
        $stdin = defined('STDIN') ? STDIN : @fopen('php://stdin', 'r');
        if (!is_resource($stdin)) {
            return;
        }
        stream_set_blocking($stdin, false);
        $watcher = null;
        $watcher = $loop->onReadable($stdin, static function () use ($stdin, $transport, $loop, &$watcher): void {
            $data = @fread($stdin, 4096);
            if (($data === false || $data === '') && feof($stdin)) {
                $loop->cancel((int) $watcher);
                $transport->parentGone();
            }
        });
        $loop->unreference($watcher);
    }

    /** @param resource $socket */
    private static function send(mixed $socket, string $bytes): void
    {
        for ($done = 0; $done < strlen($bytes);) {
            $n = @fwrite($socket, substr($bytes, $done));
            if ($n === false || $n === 0) {
                throw new TransportException('the ring socket closed during the ring hello');
            }
            $done += $n;
        }
    }
}
