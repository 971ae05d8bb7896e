<?php

declare(strict_types=1);

namespace Parley\Internal\Session;

use Closure;
use Parley\Exception\HeartbeatTimeoutException;
use Parley\Exception\SessionClosedException;
use Parley\Frame\FrameDescriptor;
use Parley\Internal\Durations;
use Parley\Internal\Io\FrameWriter;
use Parley\Internal\Io\Reader;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;

use function hrtime;
use function round;
use function sprintf;

/**
 * PING and PONG (SPEC §8.4): the heartbeat timer (a PING when the peer was quiet for an interval,
 * HEARTBEAT_TIMEOUT when it stayed quiet for the timeout) and the application's {@see ping()}.
 *
 * @internal
 */
final class Heartbeat
{
    private ?int $timer = null;
    private int $pingId = 0;
    /** @var array<int, Deferred> PINGs sent by {@see ping()}, by id */
    private array $pongs = [];
    private ?Reader $reader = null;

    /**
     * @param Closure(HeartbeatTimeoutException): void $onTimeout
     */
    public function __construct(
        private readonly EventLoop $loop,
        private readonly FrameWriter $writer,
        private readonly string $peerDescription,
        private readonly Closure $onTimeout,
    ) {
    }

    /**
     * @param Reader $reader tells when bytes last arrived
     * @param float $interval seconds between PINGs when the peer is quiet (> 0)
     * @param float $timeout seconds of silence after which the peer is gone
     */
    public function start(Reader $reader, float $interval, float $timeout): void
    {
        $this->reader = $reader;
        $reader->stampArrivals();
        $this->timer = $this->loop->repeat($interval, fn () => $this->tick($interval, $timeout));
    }

    /** Sends a PING and returns the round trip in seconds when the PONG arrives. */
    public function ping(string $body): float
    {
        $id = $this->nextId();
        $pong = new Deferred($this->loop);
        $this->pongs[$id] = $pong;
        $start = hrtime(true);
        $this->writer->ping($id, $body);
        try {
            $pong->await();
        } finally {
            unset($this->pongs[$id]);
        }
        return (hrtime(true) - $start) / 1e9;
    }

    public function onPong(int $id): void
    {
        if (isset($this->pongs[$id])) {
            $this->pongs[$id]->resolve();
        }
    }

    public function stop(): void
    {
        if ($this->timer !== null) {
            $this->loop->cancel($this->timer);
            $this->timer = null;
        }
        foreach ($this->pongs as $pong) {
            $pong->fail(new SessionClosedException('the session closed before the PONG'));
        }
    }

    private function tick(float $interval, float $timeout): void
    {
        $idle = (hrtime(true) - (int) $this->reader?->lastReceived()) / 1e9;
        if ($idle >= $timeout) {
            ($this->onTimeout)(new HeartbeatTimeoutException(sprintf(
                'no frame from %s for %s (heartbeat every %s, timeout %s); the peer is unresponsive',
                $this->peerDescription,
                Durations::text(round($idle, 3)),
                Durations::text($interval),
                Durations::text($timeout),
            )));
            return;
        }
        if ($idle >= $interval - 0.001) {
            $this->writer->ping($this->nextId());
        }
    }

    private function nextId(): int
    {
        return $this->pingId = ($this->pingId % FrameDescriptor::MAX_ID) + 1;
    }
}
