<?php

declare(strict_types=1);

namespace Parley\Transport;

use Closure;
use Parley\Exception\TransportException;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameKind;
use Parley\Internal\Log;
use Parley\Loop\EventLoop;
use Parley\Session\Session;
use Parley\Session\SessionOptions;

use function is_resource;
use function sprintf;

/**
 * Listens on a Unix socket (mode 0600, SPEC §9.2) or TCP (loopback unless a token is configured,
 * §9.3; TLS through `ssl` context options) and opens an acceptor session per connection.
 *
 * A connection first waits, with only a readable watcher, until its peer speaks (issue 12 faults 1,
 * 8): a TLS handshake is driven by the loop without blocking it, a plain connection gets its
 * session once its first bytes arrive. At most `$maxPendingHandshakes` wait at once (one more
 * closes the one waiting longest), each at most the handshake timeout. A TLS ClientHello at a plain
 * listener is closed at once; a Parley frame at a TLS listener gets a fatal HANDSHAKE_FAILED ERROR
 * saying the listener speaks TLS (fault 11).
 */
final class SocketServer
{
    /** Connections waiting for their peer's first bytes (or TLS handshake) by default. */
    public const DEFAULT_MAX_PENDING_HANDSHAKES = ListenOptions::DEFAULT_MAX_PENDING_HANDSHAKES;
    private const HANDSHAKE_FAILED = -33010;

    /** @var resource|null */
    private mixed $socket;
    private ?int $watcher;
    private readonly string $address;
    /** @var array<int, Session> */
    private array $sessions = [];
    /** @var array<int, array{0: resource, 1: int, 2: int, 3: string}> connection, watcher, timer, peer; oldest first */
    private array $pending = [];
    private bool $mismatchLogged = false;
    private readonly Log $log;

    /**
     * @param resource $socket
     * @param Closure(Session): void $onSession
     * @param array<string, mixed> $tls
     */
    private function __construct(
        mixed $socket,
        private readonly SocketAddress $bound,
        private readonly Closure $onSession,
        private readonly SessionOptions $options,
        private readonly EventLoop $loop,
        private readonly array $tls,
        private readonly int $maxPending,
        private readonly float $pendingTimeout,
        private readonly bool $requireClientCertificate,
    ) {
        $this->log = new Log($options->logger);
        $this->socket = $socket;
        if ($bound->isUnix()) {
            $this->address = 'unix://' . $bound->path;
        } else {
            $name = (string) stream_socket_get_name($socket, false);
            $this->address = ($bound->isTls() ? 'tls://' : 'tcp://') . $name;
        }
        stream_set_blocking($socket, false);
        $this->watcher = $loop->onReadable($socket, $this->accept(...));
    }

    /**
     * @param Closure(Session): void $onSession called for every connection, before its handshake:
     *        register handlers there
     * @param array<string, mixed> $tls `ssl` context options for tls:// (local_cert, local_pk, ...)
     * @param ListenOptions $listen the pending-handshake cap and timeout, mutual TLS
     */
    public static function listen(
        string $address,
        Closure $onSession,
        SessionOptions $options,
        EventLoop $loop,
        array $tls = [],
        ListenOptions $listen = new ListenOptions(),
    ): self {
        $target = SocketAddress::parse($address);
        if ($listen->requireClientCertificate) {
            if (!$target->isTls()) {
                throw new \InvalidArgumentException('requireClientCertificate needs a tls:// listener');
            }
            if (!isset($tls['cafile']) && !isset($tls['capath'])) {
                throw new \InvalidArgumentException('requireClientCertificate needs the "cafile" (or "capath") ssl'
                    . ' option: the CA that signs client certificates');
            }
            $tls = ['verify_peer' => true, 'verify_peer_name' => false, 'capture_peer_cert' => true] + $tls;
        }
        if ($target->isUnix()) {
            self::prepareUnixPath($target->path);
        } elseif (!$target->isLoopback() && ($options->token === null || $options->token === '')) {
            throw new TransportException(sprintf(
                'refusing to listen on %s without a token: a listener on a non-loopback address must '
                . 'require one (SPEC §9.3); set SessionOptions::$token',
                $target,
            ));
        }
        if ($target->isTls() && !isset($tls['local_cert'])) {
            throw new TransportException('a tls:// listener needs the "local_cert" ssl context option');
        }
        $context = stream_context_create(['socket' => ['tcp_nodelay' => true, 'backlog' => 128]]);
        $errno = 0;
        $error = '';
        $mask = $target->isUnix() ? umask(0177) : null;
        try {
            $socket = @stream_socket_server(
                $target->streamAddress(),
                $errno,
                $error,
                STREAM_SERVER_BIND | STREAM_SERVER_LISTEN,
                $context,
            );
        } finally {
            if ($mask !== null) {
                umask($mask);
            }
        }
        if ($socket === false) {
            throw new TransportException(sprintf('cannot listen on %s: %s (errno %d)', $target, $error, $errno));
        }
        if ($target->isUnix()) {
            @chmod($target->path, 0600);
        } elseif (($options->token === null || $options->token === '') && !self::boundToLoopback($socket)) {
            fclose($socket); // the name resolved differently at bind time: decide on the bound address
            throw new TransportException(sprintf(
                'refusing to listen on %s without a token: it is bound to a non-loopback address (SPEC §9.3); '
                . 'set SessionOptions::$token',
                $target,
            ));
        }
        return new self(
            $socket,
            $target,
            $onSession,
            $options,
            $loop,
            $tls,
            $listen->maxPendingHandshakes,
            $listen->handshakeTimeout ?? $options->handshakeTimeout,
            $listen->requireClientCertificate,
        );
    }

    /** The bound address: `unix:///path` or `tcp://127.0.0.1:<real port>`. */
    public function address(): string
    {
        return $this->address;
    }

    /** `/path` for Unix sockets, `host:port` for TCP: what PEER-CONTRACT's LISTENING line shows. */
    public function displayAddress(): string
    {
        return $this->bound->isUnix() ? $this->bound->path : (string) preg_replace('~^\w+://~', '', $this->address);
    }

    /** @return list<Session> sessions accepted and not yet closed */
    public function sessions(): array
    {
        return array_values($this->sessions);
    }

    public function isListening(): bool
    {
        return $this->socket !== null;
    }

    /** Stops accepting (open sessions go on) and removes the socket file. */
    public function close(): void
    {
        if ($this->watcher !== null) {
            $this->loop->cancel($this->watcher);
            $this->watcher = null;
        }
        if (is_resource($this->socket)) {
            fclose($this->socket);
        }
        $this->socket = null;
        foreach (array_keys($this->pending) as $id) {
            $this->dropPending($id);
        }
        if ($this->bound->isUnix() && @filetype($this->bound->path) === 'socket') {
            @unlink($this->bound->path);
        }
    }

    /** Connections waiting for their first bytes or their TLS handshake (for tests and metrics). */
    public function pendingCount(): int
    {
        return count($this->pending);
    }

    private function accept(): void
    {
        if (!is_resource($this->socket)) {
            return;
        }
        while (($connection = @stream_socket_accept($this->socket, 0)) !== false) {
            try {
                $this->admit($connection);
            } catch (\Throwable $e) {
                @fclose($connection);
                $this->log->log('warning', 'parley: dropped a connection: ' . $e->getMessage());
            }
        }
    }

    /**
     * A new connection waits, with a readable watcher and a timer, for its first bytes; the one
     * waiting longest is closed when the cap is reached.
     *
     * @param resource $connection
     */
    private function admit(mixed $connection): void
    {
        while (count($this->pending) >= $this->maxPending) {
            $oldest = array_key_first($this->pending);
            $this->dropPending($oldest);
            $this->log->log('debug', sprintf(
                'parley: %d connections are waiting for their handshake (the cap): closed the one waiting longest',
                $this->maxPending,
            ));
        }
        if (!$this->bound->isUnix() && function_exists('socket_import_stream')) {
            $raw = @socket_import_stream($connection);
            if ($raw !== false && $raw !== null) {
                @socket_set_option($raw, SOL_TCP, TCP_NODELAY, 1);
            }
        }
        stream_set_blocking($connection, false);
        $peer = (string) @stream_socket_get_name($connection, true);
        $id = (int) $connection;
        if ($this->bound->isTls()) {
            foreach ($this->tls as $option => $value) {
                stream_context_set_option($connection, 'ssl', $option, $value);
            }
        }
        $watcher = $this->loop->onReadable($connection, fn () => $this->onPendingReadable($id));
        $timer = $this->loop->delay($this->pendingTimeout, function () use ($id): void {
            if (isset($this->pending[$id])) {
                $peer = $this->pending[$id][3];
                $this->dropPending($id);
                $this->log->log('info', sprintf(
                    'parley: closed a connection from %s that completed no handshake within %.1f s',
                    $peer !== '' ? $peer : 'a client',
                    $this->pendingTimeout,
                ));
            }
        });
        $this->loop->unreference($timer);
        $this->pending[$id] = [$connection, $watcher, $timer, $peer];
    }

    private function onPendingReadable(int $id): void
    {
        if (!isset($this->pending[$id])) {
            return;
        }
        [$connection, , , $peer] = $this->pending[$id];
        $head = @stream_socket_recvfrom($connection, 4, STREAM_PEEK);
        if ($head === false || $head === '') {
            $this->dropPending($id); // end of stream (or an error) before a byte
            return;
        }
        if ($this->bound->isTls()) {
            if (strlen($head) >= 1 && $head[0] === "\xFA") {
                if (strlen($head) < 4) {
                    return; // wait for the whole magic
                }
                if ($head === "\xFA\x50\x52\x4C") {
                    $this->refuseOtherDialect($id, true);
                    return;
                }
            }
            $this->driveTls($id, $connection, $peer);
            return;
        }
        if (strlen($head) >= 2 && $head[0] === "\x16" && $head[1] === "\x03") {
            $this->refuseOtherDialect($id, false);
            return;
        }
        $this->release($id);
        $this->open($connection, $peer);
    }

    /** @param resource $connection */
    private function driveTls(int $id, mixed $connection, string $peer): void
    {
        error_clear_last();
        $done = @stream_socket_enable_crypto(
            $connection,
            true,
            STREAM_CRYPTO_METHOD_TLSv1_2_SERVER | STREAM_CRYPTO_METHOD_TLSv1_3_SERVER,
        );
        if ($done === 0) {
            return; // the loop calls again when the client sends more
        }
        if ($done !== true) {
            $this->dropPending($id);
            $this->log->log('warning', sprintf(
                'parley: TLS handshake with %s failed: %s',
                $peer !== '' ? $peer : 'a client',
                error_get_last()['message'] ?? 'unknown error',
            ));
            return;
        }
        $certificate = stream_context_get_options($connection)['ssl']['peer_certificate'] ?? null;
        if ($this->requireClientCertificate && $certificate === null) {
            // verify_peer checks a certificate the client sends, but lets one that sends none through
            $this->dropPending($id);
            $this->log->log('warning', sprintf(
                'parley: closed a TLS connection from %s: it presented no client certificate, and this listener'
                . ' requires one (mutual TLS)',
                $peer !== '' ? $peer : 'a client',
            ));
            return;
        }
        $this->release($id);
        $this->open($connection, $peer);
    }

    private function refuseOtherDialect(int $id, bool $listenerIsTls): void
    {
        [$connection, , , $peer] = $this->pending[$id];
        if ($listenerIsTls) {
            $what = 'a plain (non-TLS) Parley client connected to this TLS listener';
            $body = (string) json_encode([
                'code' => self::HANDSHAKE_FAILED,
                'message' => 'this listener speaks TLS and the client does not: connect with TLS (tls://)',
            ]);
            $frame = FrameEncoder::encode(FrameKind::ERROR, 0, 0, '', 1, 0, $body);
            @fwrite($connection, $frame);
        } else {
            $what = 'a TLS client connected to this plain (non-TLS) listener';
        }
        $this->dropPending($id);
        $this->log->log($this->mismatchLogged ? 'debug' : 'warning', sprintf(
            'parley: %s (%s); closed it',
            $what,
            $peer !== '' ? $peer : 'unknown peer',
        ));
        $this->mismatchLogged = true;
    }

    /** Stops watching a pending connection, keeping it open. */
    private function release(int $id): void
    {
        [, $watcher, $timer] = $this->pending[$id];
        unset($this->pending[$id]);
        $this->loop->cancel($watcher);
        $this->loop->cancel($timer);
    }

    private function dropPending(int $id): void
    {
        if (!isset($this->pending[$id])) {
            return;
        }
        $connection = $this->pending[$id][0];
        $this->release($id);
        if (is_resource($connection)) {
            @fclose($connection);
        }
    }

    /** @param resource $connection */
    private function open(mixed $connection, string $peer): void
    {
        $transport = new StreamTransport(
            $connection,
            $connection,
            'client ' . ($peer !== '' ? $peer : 'of ' . $this->address),
            false,
            262144,
        );
        $session = new Session($transport, Role::Acceptor, $this->options, $this->loop, 15.0);
        $id = spl_object_id($session);
        $this->sessions[$id] = $session;
        $session->onClose(function () use ($id): void {
            unset($this->sessions[$id]);
        });
        ($this->onSession)($session);
    }

    /** @param resource $socket */
    private static function boundToLoopback($socket): bool
    {
        $name = stream_socket_get_name($socket, false);
        if ($name === false) {
            return false;
        }
        return SocketAddress::isLoopbackIp((string) substr($name, 0, (int) strrpos($name, ':')));
    }

    private static function prepareUnixPath(string $path): void
    {
        $type = @filetype($path);
        if ($type === false) {
            return;
        }
        if ($type !== 'socket') {
            throw new TransportException(sprintf(
                'refusing to listen on %s: the path exists and is not a socket (%s); remove it or pick another path',
                $path,
                $type,
            ));
        }
        $probe = @stream_socket_client('unix://' . $path, $errno, $error, 0.5);
        if ($probe !== false) {
            fclose($probe);
            throw new TransportException("cannot listen on $path: another server is accepting connections there");
        }
        // A stale socket (nobody accepts): remove it.
        @unlink($path);
    }
}
