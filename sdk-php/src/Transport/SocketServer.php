<?php

declare(strict_types=1);

namespace Parley\Transport;

use Closure;
use Parley\Exception\TransportException;
use Parley\Loop\EventLoop;
use Parley\Session\Session;
use Parley\Session\SessionOptions;

use function is_resource;
use function sprintf;

/**
 * Listens on a Unix socket (mode 0600, SPEC §9.2) or TCP (loopback unless a token is configured,
 * §9.3; TLS through `ssl` context options) and opens an acceptor session per connection.
 */
final class SocketServer
{
    /** @var resource|null */
    private mixed $socket;
    private ?int $watcher;
    private readonly string $address;
    /** @var array<int, Session> */
    private array $sessions = [];

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
    ) {
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
     */
    public static function listen(
        string $address,
        Closure $onSession,
        SessionOptions $options,
        EventLoop $loop,
        array $tls = [],
    ): self {
        $target = SocketAddress::parse($address);
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
        return new self($socket, $target, $onSession, $options, $loop, $tls);
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
        if ($this->bound->isUnix() && @filetype($this->bound->path) === 'socket') {
            @unlink($this->bound->path);
        }
    }

    private function accept(): void
    {
        if (!is_resource($this->socket)) {
            return;
        }
        while (($connection = @stream_socket_accept($this->socket, 0)) !== false) {
            try {
                $this->open($connection);
            } catch (\Throwable $e) {
                @fclose($connection);
                @fwrite(STDERR, 'parley: dropped a connection: ' . $e->getMessage() . "\n");
            }
        }
    }

    /** @param resource $connection */
    private function open(mixed $connection): void
    {
        if (!$this->bound->isUnix() && function_exists('socket_import_stream')) {
            $raw = @socket_import_stream($connection);
            if ($raw !== false && $raw !== null) {
                @socket_set_option($raw, SOL_TCP, TCP_NODELAY, 1);
            }
        }
        $peer = (string) @stream_socket_get_name($connection, true);
        if ($this->bound->isTls()) {
            foreach ($this->tls as $option => $value) {
                stream_context_set_option($connection, 'ssl', $option, $value);
            }
            stream_set_blocking($connection, true);
            stream_set_timeout($connection, 5);
            $enabled = @stream_socket_enable_crypto(
                $connection,
                true,
                STREAM_CRYPTO_METHOD_TLSv1_2_SERVER | STREAM_CRYPTO_METHOD_TLSv1_3_SERVER,
            );
            if ($enabled !== true) {
                throw new TransportException(
                    'TLS handshake failed: ' . (error_get_last()['message'] ?? 'unknown error'),
                );
            }
        }
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
