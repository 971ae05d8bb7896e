<?php

declare(strict_types=1);

namespace Parley;

use Closure;
use Parley\Internal\Log;
use Parley\Internal\Ring\Libc;
use Parley\Loop\Awaitable;
use Parley\Loop\EventLoop;
use Parley\Process\ChildProcess;
use Parley\Transport\Role;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Stdio\PoolDialIn;
use Parley\Stdio\RingWorker;
use Parley\Stdio\StdioWorker;
use Parley\Transport\ChildProcessTransport;
use Parley\Transport\RingLauncher;
use Parley\Transport\SocketConnector;
use Parley\Transport\ListenOptions;
use Parley\Transport\SocketServer;
use Parley\Transport\StderrLines;
use Parley\Transport\StreamTransport;

/**
 * Entry points: start a worker process, be one, connect, listen; and the few helpers for running
 * things concurrently.
 *
 * ```php
 * // parent.php
 * $worker = Ipc::spawn(['php', 'worker.php']);
 * echo $worker->call('greet', ['name' => 'Ada'])->await();
 * $worker->close();
 *
 * // worker.php
 * $session = Ipc::worker();
 * $session->handle('greet', fn (array $p) => "Hello, {$p['name']}");
 * $session->run();
 * ```
 */
final class Ipc
{
    private static bool $ringFallbackLogged = false;

    /**
     * Starts a child process that speaks Parley on its stdin/stdout (SPEC §9.1) and returns the
     * session with it (this side is the initiator). Calls made before the handshake completes are
     * sent once it does. Heartbeats are off by default for stdio children (§8.4).
     *
     * @param list<string>|string $command an argv list (no shell), or a shell command line
     * @param array<string, string>|null $env
     * @param Closure(string): void|null $onStderrLine every line the child writes to stderr
     */
    public static function spawn(
        array|string $command,
        ?SessionOptions $options = null,
        ?string $cwd = null,
        ?array $env = null,
        ?Closure $onStderrLine = null,
        ?EventLoop $loop = null,
    ): Session {
        $loop ??= EventLoop::get();
        $child = ChildProcess::start($command, $cwd, $env, $onStderrLine);
        return new Session(
            new ChildProcessTransport($child, $loop),
            Role::Initiator,
            $options ?? new SessionOptions(),
            $loop,
            0.0,
        );
    }

    /**
     * Starts a child process on the shared-memory ring (SPEC §9.4) and returns the session with
     * it (this side is the initiator): frames travel through two rings in a mapped file, with a
     * Unix socket for wake-ups. The child must call {@see worker()}. When the child cannot use
     * the ring (no FFI there), the session runs over the ring's socket instead; when this process
     * cannot create the ring, the child is started over stdio like {@see spawn()}. Both are logged
     * once, never silent.
     *
     * @param list<string>|string $command an argv list (no shell), or a shell command line
     * @param int $capacity bytes of each ring: a power of two from 64 KiB to 512 MiB
     * @param array<string, string>|null $env
     * @param Closure(string): void|null $onStderrLine every line the child writes to stderr
     */
    public static function spawnRing(
        array|string $command,
        ?SessionOptions $options = null,
        int $capacity = 1048576,
        ?string $cwd = null,
        ?array $env = null,
        ?Closure $onStderrLine = null,
        ?EventLoop $loop = null,
    ): Session {
        $loop ??= EventLoop::get();
        $options ??= new SessionOptions();
        $log = static function (string $message) use ($options): void {
            if ($options->logger !== null) {
                (new Log($options->logger))->log('warning', $message);
            } else {
                @fwrite(STDERR, 'parley: ' . $message . "\n");
            }
        };
        $unavailable = Libc::unavailableReason();
        if ($unavailable !== null) {
            if (!self::$ringFallbackLogged) {
                self::$ringFallbackLogged = true;
                $log('cannot create the shared-memory ring, starting the child over stdio: ' . $unavailable);
            }
            return self::spawn($command, $options, $cwd, $env, $onStderrLine, $loop);
        }
        $transport = RingLauncher::launch(
            $command,
            $capacity,
            $options->handshakeTimeout,
            $loop,
            $log,
            $cwd,
            $env,
            $onStderrLine,
        );
        return new Session($transport, Role::Initiator, $options, $loop, 0.0);
    }

    /**
     * This process as a stdio worker (the child side): frames on stdin/stdout, application output
     * forwarded as `$/log`, PHP errors on stderr. Register handlers, then call {@see Session::run()}.
     * Started by a Java pool with a socket transport (`PARLEY_ADDRESS` set), it dials the pool
     * instead ({@see PoolDialIn}); started on the shared-memory ring (`PARLEY_RING_FILE` set), it
     * attaches to the ring, or declines it and keeps its socket ({@see RingWorker}).
     */
    public static function worker(
        ?SessionOptions $options = null,
        bool $captureOutput = true,
        ?EventLoop $loop = null,
    ): Session {
        $options ??= new SessionOptions();
        $loop ??= EventLoop::get();
        return RingWorker::fromEnvironment($options, $loop)
            ?? PoolDialIn::fromEnvironment($options, $loop)
            ?? StdioWorker::open($options, $loop, $captureOutput);
    }

    /**
     * The parent side of a process started by other means (proc_open, symfony/process, a
     * supervisor): frames are read from $out (the child's stdout) and written to $in (its stdin);
     * lines on $err (its stderr, optional) go to $onStderrLine, or to the session's logger as
     * warnings. The session shares the process-wide loop with {@see spawn()} and {@see connect()}.
     *
     * ```php
     * $proc = proc_open(['php', 'worker.php'], [['pipe', 'r'], ['pipe', 'w'], ['pipe', 'w']], $pipes);
     * $session = Ipc::fromStreams($pipes[1], $pipes[0], $pipes[2]);
     * ```
     *
     * @param resource $out the stream the peer writes frames to (read here)
     * @param resource $in the stream the peer reads frames from (written here)
     * @param resource|null $err the peer's stderr
     * @param Closure(string): void|null $onStderrLine every line read from $err
     */
    public static function fromStreams(
        mixed $out,
        mixed $in,
        mixed $err = null,
        ?SessionOptions $options = null,
        ?Closure $onStderrLine = null,
        ?EventLoop $loop = null,
    ): Session {
        $loop ??= EventLoop::get();
        $options ??= new SessionOptions();
        $session = new Session(
            new StreamTransport($out, $in, 'a process on streams', true),
            Role::Initiator,
            $options,
            $loop,
            0.0,
        );
        if ($err !== null) {
            StderrLines::watch($err, $loop, $onStderrLine ?? static function (string $line) use ($options): void {
                if ($options->logger !== null) {
                    (new Log($options->logger))->log('warning', 'peer stderr: ' . $line);
                } else {
                    @fwrite(STDERR, $line . "\n");
                }
            });
        }
        return $session;
    }

    /**
     * Connects to a listening peer: `unix:///path.sock`, `tcp://127.0.0.1:9000`, `tls://host:9443`.
     * Heartbeats default to 15 s on sockets.
     *
     * @param array<string, mixed> $tls `ssl` stream context options for tls:// (cafile, peer_name, ...)
     */
    public static function connect(
        string $address,
        ?SessionOptions $options = null,
        float $timeout = 10.0,
        array $tls = [],
        ?EventLoop $loop = null,
    ): Session {
        $transport = SocketConnector::connect($address, $timeout, $tls);
        return new Session(
            $transport,
            Role::Initiator,
            $options ?? new SessionOptions(),
            $loop ?? EventLoop::get(),
            15.0,
        );
    }

    /**
     * Listens on `unix:///path.sock` (mode 0600) or `tcp://127.0.0.1:0` (loopback unless a token is
     * set) and calls $onSession for every new connection, before its handshake.
     *
     * Connections that have not sent their first bytes yet are bounded by $listen (SPEC §9): at most
     * 128 wait at once by default (one more closes the one waiting longest), each for at most the
     * handshake timeout; it also requires client certificates on tls:// (mutual TLS).
     *
     * @param Closure(Session): void $onSession
     * @param array<string, mixed> $tls `ssl` context options for tls:// (local_cert, local_pk, cafile, ...)
     */
    public static function listen(
        string $address,
        Closure $onSession,
        ?SessionOptions $options = null,
        array $tls = [],
        ?EventLoop $loop = null,
        ListenOptions $listen = new ListenOptions(),
    ): SocketServer {
        return SocketServer::listen(
            $address,
            $onSession,
            $options ?? new SessionOptions(),
            $loop ?? EventLoop::get(),
            $tls,
            $listen,
        );
    }

    /** The shared event loop. */
    public static function loop(): EventLoop
    {
        return EventLoop::get();
    }

    /** Runs $task in a Fiber of the loop: it may await calls while the caller goes on. */
    public static function async(Closure $task): void
    {
        EventLoop::get()->async(static fn () => $task());
    }

    /** Waits without blocking handlers and other Fibers. */
    public static function sleep(float $seconds): void
    {
        EventLoop::get()->sleep($seconds);
    }

    /**
     * Awaits every call (they are already in flight, so they proceed concurrently); returns their
     * results with the same keys. Throws the first failure in key order after all have completed.
     *
     * @template K of array-key
     * @param array<K, Awaitable> $awaitables
     * @return array<K, mixed>
     */
    public static function awaitAll(array $awaitables): array
    {
        $results = [];
        $failure = null;
        foreach ($awaitables as $key => $awaitable) {
            try {
                $results[$key] = $awaitable->await();
            } catch (\Throwable $e) {
                $failure ??= $e;
            }
        }
        if ($failure !== null) {
            throw $failure;
        }
        return $results;
    }

    /** Runs the loop until nothing is left to do (every session closed, no timer). */
    public static function run(): void
    {
        EventLoop::get()->run();
    }
}
