<?php

declare(strict_types=1);

namespace Parley\Internal\Session;

use Closure;
use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Loop\EventLoop;

use function hrtime;
use function round;
use function sprintf;

/**
 * The stalled-frame bound (SPEC §3.5, revision 1.1): a frame whose header arrived and whose payload
 * then stops arriving part-way closes the session with PROTOCOL_ERROR once no byte of it has
 * arrived for the frame stall timeout. Independent of heartbeats (§8.4), so it also bounds stdio
 * sessions with `heartbeat_ms = 0`.
 *
 * A timer exists only while a frame is incomplete, so a session whose frames arrive whole keeps
 * its loop free of timers (a stdio worker then reads its pipe directly, {@see EventLoop::tick()}).
 *
 * @internal
 */
final class FrameStall
{
    private ?int $timer = null;
    private int $lastByte = 0;

    /**
     * @param float $timeout seconds (> 0)
     * @param Closure(ProtocolException): void $onStall closes the session
     */
    public function __construct(
        private readonly EventLoop $loop,
        private readonly float $timeout,
        private readonly Closure $onStall,
    ) {
    }

    /** Called after every read that brought bytes: whether a frame is left incomplete now. */
    public function afterRead(bool $insideFrame): void
    {
        if (!$insideFrame) {
            $this->stop();
            return;
        }
        $this->lastByte = hrtime(true);
        if ($this->timer === null) {
            $this->arm($this->timeout);
        }
    }

    public function stop(): void
    {
        if ($this->timer !== null) {
            $this->loop->cancel($this->timer);
            $this->timer = null;
        }
    }

    private function arm(float $seconds): void
    {
        $this->timer = $this->loop->delay($seconds, function (): void {
            $this->timer = null;
            $stalled = (hrtime(true) - $this->lastByte) / 1e9;
            if ($stalled < $this->timeout - 0.001) {
                $this->arm($this->timeout - $stalled);
                return;
            }
            ($this->onStall)(new ProtocolException(ErrorCode::ProtocolError, sprintf(
                'stalled inside a frame: no byte of its payload arrived for %d ms (frame stall timeout %d ms);'
                . ' the peer stopped writing part-way',
                (int) round($stalled * 1000),
                (int) round($this->timeout * 1000),
            )));
        });
    }
}
