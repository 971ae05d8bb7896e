<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

use Parley\Loop\EventLoop;
use Parley\Transport\Role;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\StreamTransport;

/**
 * Two sessions in this process, joined by a Unix socket pair and driven by one event loop: the
 * initiator ("client") and the acceptor ("server").
 */
final class SessionPair
{
    public readonly EventLoop $loop;
    public readonly Session $client;
    public readonly Session $server;
    /** @var list<array{string, string}> */
    public array $logs = [];

    public function __construct(?SessionOptions $clientOptions = null, ?SessionOptions $serverOptions = null)
    {
        $this->loop = new EventLoop();
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $logger = function (string $level, string $message): void {
            $this->logs[] = [$level, $message];
        };
        $this->client = new Session(
            new StreamTransport($a, $a, 'client end'),
            Role::Initiator,
            $clientOptions ?? new SessionOptions(logger: $logger),
            $this->loop,
        );
        $this->server = new Session(
            new StreamTransport($b, $b, 'server end'),
            Role::Acceptor,
            $serverOptions ?? new SessionOptions(logger: $logger),
            $this->loop,
        );
    }

    /** Closes both ends if a test left them open, so no watcher leaks into the next test. */
    public function dispose(): void
    {
        $this->client->abortNow('test finished');
        $this->server->abortNow('test finished');
    }
}
