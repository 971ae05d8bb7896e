<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

use Parley\Loop\EventLoop;
use Parley\Transport\Role;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\StreamTransport;
use Parley\Transport\Transport;

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
        $clientOptions ??= new SessionOptions(logger: $logger);
        if ($clientOptions->transportDecorator === null) {
            $clientOptions = $clientOptions->with(
                transportDecorator: static fn (Transport $inner): Transport => new TapTransport($inner),
            );
        }
        $this->client = new Session(
            new StreamTransport($a, $a, 'client end'),
            Role::Initiator,
            $clientOptions,
            $this->loop,
        );
        $this->server = new Session(
            new StreamTransport($b, $b, 'server end'),
            Role::Acceptor,
            $serverOptions ?? new SessionOptions(logger: $logger),
            $this->loop,
        );
    }

    /** Writes raw bytes from the client's end, between two frames (hand-made frames, stray bytes). */
    public function inject(string $bytes): void
    {
        $transport = $this->client->transport();
        if (!$transport instanceof TapTransport) {
            throw new \LogicException('the client was built with its own transportDecorator');
        }
        $transport->inject($bytes);
    }

    /** Closes both ends if a test left them open, so no watcher leaks into the next test. */
    public function dispose(): void
    {
        $this->client->abortNow('test finished');
        $this->server->abortNow('test finished');
    }
}
