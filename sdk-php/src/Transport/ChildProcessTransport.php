<?php

declare(strict_types=1);

namespace Parley\Transport;

use Parley\Exception\PeerGoneException;
use Parley\Loop\EventLoop;
use Parley\Process\ChildProcess;

use function array_slice;
use function hrtime;
use function implode;
use function sprintf;

/**
 * The parent's side of a stdio child (SPEC §9.1): frames to the child's stdin, from its stdout.
 *
 * Closing follows §9.1: close the child's stdin, wait for the exit (grace, default 5 s), then
 * SIGTERM, then SIGKILL after 2 s more; the loop does the waiting, nothing blocks.
 */
final class ChildProcessTransport extends StreamTransport
{
    private ?int $reaper = null;
    private float $closedAt = 0.0;
    private bool $terminated = false;
    private int $reads = 0;

    public function __construct(
        private readonly ChildProcess $child,
        private readonly EventLoop $loop,
        private readonly float $exitGrace = 5.0,
        private readonly float $killGrace = 2.0,
    ) {
        parent::__construct(
            $child->stdout(),
            $child->stdin(),
            sprintf('child %s (pid %d)', $child->commandLine(), $child->pid()),
            true,
        );
    }

    public function child(): ChildProcess
    {
        return $this->child;
    }

    public function read(): ?string
    {
        // Every few hundred reads, and at the end, look at what the child wrote to stderr.
        if ((++$this->reads & 255) === 0) {
            $this->child->pollStderr();
        }
        return parent::read();
    }

    public function close(): void
    {
        parent::close();
        if ($this->reaper !== null || !$this->child->isRunning()) {
            $this->child->pollStderr();
            return;
        }
        $this->closedAt = hrtime(true) / 1e9;
        $this->reaper = $this->loop->repeat(0.005, function (): void {
            $elapsed = hrtime(true) / 1e9 - $this->closedAt;
            if (!$this->child->isRunning()) {
                $this->child->pollStderr();
                $this->loop->cancel((int) $this->reaper);
                return;
            }
            if ($elapsed > $this->exitGrace + $this->killGrace) {
                $this->child->signal(9);
            } elseif ($elapsed > $this->exitGrace && !$this->terminated) {
                $this->terminated = true;
                $this->child->signal(15);
            }
        });
    }

    public function isFinished(): bool
    {
        return parent::isFinished() && !$this->child->isRunning();
    }

    public function peerGone(string $reason): PeerGoneException
    {
        // The end of stdout usually comes a moment before the exit status is there.
        $this->child->waitForExit(0.5);
        $tail = $this->child->stderrTail();
        $message = sprintf(
            'child %s (pid %d) %s: %s',
            $this->child->commandLine(),
            $this->child->pid(),
            $this->child->exitDescription(),
            $reason,
        );
        if ($this->child->exitStatus() === 0) {
            $message .= ' (it exited normally without closing the session: did the worker call run()?)';
        }
        if ($tail !== []) {
            $message .= "\nlast stderr lines:\n  " . implode("\n  ", array_slice($tail, -10));
        }
        return new PeerGoneException($message, $this->child->exitStatus(), $tail);
    }
}
