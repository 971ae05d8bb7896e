<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use Closure;
use Parley\Exception\PeerGoneException;
use Parley\Loop\EventLoop;
use Parley\Process\ChildProcess;

use function sprintf;

/**
 * A child started on the ring (SPEC §9.4 step 3): its stdin is a pipe held open until the session
 * ends, its stdout carries no frames and is drained line by line into the log, its stderr is kept
 * by {@see ChildProcess}. Closing runs the exit sequence of §9.1 on the loop (stdin closed, then
 * SIGTERM after the exit grace, SIGKILL 2 s later).
 */
final class RingChild
{
    private ?int $stdoutWatcher;
    private ?int $reaper = null;
    private string $partial = '';
    private bool $closed = false;

    /** @param Closure(string): void $log */
    public function __construct(
        public readonly ChildProcess $process,
        private readonly EventLoop $loop,
        private readonly Closure $log,
        private readonly float $exitGrace = 5.0,
        private readonly float $killGrace = 2.0,
    ) {
        stream_set_blocking($process->stdout(), false);
        $this->stdoutWatcher = $loop->onReadable($process->stdout(), $this->drainStdout(...));
        $loop->unreference($this->stdoutWatcher);
    }

    public function close(): void
    {
        if ($this->closed) {
            return;
        }
        $this->closed = true;
        $this->stopStdout();
        $this->process->closePipes();
        if (!$this->process->isRunning()) {
            $this->process->pollStderr();
            return;
        }
        $closedAt = hrtime(true) / 1e9;
        $terminated = false;
        $this->reaper = $this->loop->repeat(0.005, function () use ($closedAt, &$terminated): void {
            $elapsed = hrtime(true) / 1e9 - $closedAt;
            if (!$this->process->isRunning()) {
                $this->process->pollStderr();
                $this->loop->cancel((int) $this->reaper);
                return;
            }
            if ($elapsed > $this->exitGrace + $this->killGrace) {
                $this->process->signal(9);
            } elseif ($elapsed > $this->exitGrace && !$terminated) {
                $terminated = true;
                $this->process->signal(15);
            }
        });
    }

    public function isFinished(): bool
    {
        if (!$this->closed || $this->process->isRunning()) {
            return false;
        }
        $this->process->pollStderr();
        return true;
    }

    public function peerGone(string $reason): PeerGoneException
    {
        $this->process->waitForExit(0.5);
        $this->process->pollStderr();
        $tail = $this->process->stderrTail();
        $message = sprintf(
            'child %s (pid %d) %s: %s',
            $this->process->commandLine(),
            $this->process->pid(),
            $this->process->exitDescription(),
            $reason,
        );
        if ($tail !== []) {
            $message .= "\nlast stderr lines:\n  " . implode("\n  ", array_slice($tail, -10));
        }
        return new PeerGoneException($message, $this->process->exitStatus(), $tail);
    }

    private function drainStdout(): void
    {
        $data = @fread($this->process->stdout(), 65536);
        if ($data === false || $data === '') {
            if (feof($this->process->stdout())) {
                $this->stopStdout();
            }
            return;
        }
        $lines = explode("\n", $this->partial . $data);
        $this->partial = (string) array_pop($lines);
        foreach ($lines as $line) {
            ($this->log)('child stdout: ' . $line);
        }
    }

    private function stopStdout(): void
    {
        if ($this->stdoutWatcher !== null) {
            $this->loop->cancel($this->stdoutWatcher);
            $this->stdoutWatcher = null;
            if ($this->partial !== '') {
                ($this->log)('child stdout: ' . $this->partial);
                $this->partial = '';
            }
        }
    }
}
