<?php

declare(strict_types=1);

namespace Parley\Transport;

use Parley\Exception\ErrorCode;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Internal\Ring\Libc;
use Parley\Internal\Ring\OneToOneRing;
use Parley\Internal\Ring\RingChild;
use Parley\Internal\Ring\RingFile;
use Parley\Internal\Ring\RingLayout;
use Parley\Internal\Ring\Signal;
use Parley\Loop\EventLoop;

use function sprintf;
use function strlen;

/**
 * The shared-memory ring transport (SPEC §9.4): frames go through two Agrona one-to-one rings in
 * a mapped file; a Unix socket beside it carries one-byte doorbells (0x01 DATA, 0x02 SPACE) and
 * tells, by its end, that the peer is gone.
 *
 * It plugs into the event loop like any stream: the loop waits on a private signal that the
 * transport raises when a doorbell arrives or records are left, so blocking code (`->await()`)
 * and the loop both work. A reader spins briefly on an empty ring, then announces that it sleeps,
 * fences, re-checks, and waits for a doorbell; a writer whose ring is full announces that it
 * waits and is woken by a SPACE doorbell ({@see spaceStream()}).
 *
 * Built by {@see \Parley\Ipc::worker()} (child side) and {@see RingLauncher} (parent side).
 */
final class RingTransport implements Transport
{
    private const READ_BUDGET = 4 * 1024 * 1024;
    private const SPIN_NANOS = 20_000;
    private const BELL_DATA = "\x01";
    private const BELL_SPACE = "\x02";

    private readonly Signal $data;
    private readonly Signal $space;
    private readonly int $bellWatcher;
    private readonly OneToOneRing $in;
    private readonly OneToOneRing $out;
    private bool $socketEnded = false;
    private bool $inputEnded = false;
    private bool $outputClosed = false;
    private bool $closed = false;
    private ?ProtocolException $bellError = null;
    private int $lastDataRing = -1;
    private int $lastSpaceRing = -1;

    /**
     * @internal built by the SDK once the ring file is mapped and the socket is connected
     * @param resource $socket the connected doorbell socket (after the hello)
     */
    public function __construct(
        private readonly RingFile $file,
        private readonly mixed $socket,
        private readonly Libc $libc,
        private readonly EventLoop $loop,
        private readonly string $description,
        private readonly ?RingChild $child = null,
    ) {
        $this->in = $file->in;
        $this->out = $file->out;
        $this->data = new Signal();
        $this->space = new Signal();
        stream_set_blocking($socket, false);
        stream_set_read_buffer($socket, 0);
        stream_set_write_buffer($socket, 0);
        $this->bellWatcher = $loop->onReadable($socket, $this->onBell(...));
        $loop->unreference($this->bellWatcher);
        // Records may be there before the first doorbell: look once.
        $this->data->raise();
    }

    public function readStream(): mixed
    {
        return $this->data->stream();
    }

    public function writeStream(): mixed
    {
        return $this->socket;
    }

    /** @return resource readable when write() can make progress again (a SPACE doorbell came) */
    public function spaceStream(): mixed
    {
        return $this->space->stream();
    }

    public function canBlockOnRead(): bool
    {
        return false;
    }

    public function read(): ?string
    {
        if ($this->closed || $this->inputEnded) {
            return null;
        }
        $this->data->clear();
        if ($this->bellError !== null) {
            throw $this->bellError;
        }
        $sleep = $this->file->i32($this->file->mySleep);
        if (($sleep & 1) === 1) {
            $this->file->setI32($this->file->mySleep, $sleep + 1);
        }
        $deadline = 0;
        while (true) {
            $before = $this->in->head();
            $closed = false;
            $bytes = $this->in->poll(self::READ_BUDGET, $closed);
            if ($this->in->head() !== $before) {
                $this->ringSpaceIfWaiting();
            }
            if ($closed) {
                $this->inputEnded = true;
                if ($bytes !== '') {
                    // the end comes with the last bytes: wake the reader once more to see it
                    $this->data->raise();
                    return $bytes;
                }
                return null;
            }
            if ($bytes !== '' || $this->in->hasRecord()) {
                if ($this->in->hasRecord()) {
                    $this->data->raise();
                } else {
                    $this->sleepUnlessData();
                }
                if ($bytes !== '') {
                    return $bytes;
                }
                continue;
            }
            if ($this->socketEnded) {
                // Every committed record is drained: now the end of the socket is the end.
                $this->inputEnded = true;
                return null;
            }
            $deadline = $deadline === 0 ? hrtime(true) + self::SPIN_NANOS : $deadline;
            if (hrtime(true) < $deadline) {
                continue;
            }
            $this->sleepUnlessData();
            return '';
        }
    }

    public function write(string $bytes): int
    {
        if ($this->closed || $this->outputClosed) {
            throw new PeerGoneException(sprintf('%s: the ring is closed for writing', $this->description));
        }
        if ($this->socketEnded) {
            throw $this->peerGone('the doorbell socket ended');
        }
        $this->space->clear();
        $wait = $this->file->i32($this->file->myWait);
        if (($wait & 1) === 1) {
            // Awake again: every wait announces a new odd value, so the consumer rings again.
            $this->file->setI32($this->file->myWait, ++$wait);
        }
        $length = strlen($bytes);
        $done = $this->offer($bytes, 0, $length);
        if ($done < $length) {
            // Full: announce that we wait, fence, retry; a SPACE doorbell wakes spaceStream().
            $this->file->setI32($this->file->myWait, ++$wait);
            $this->libc->fence();
            $done += $this->offer($bytes, $done, $length - $done);
            if ($done === $length) {
                $this->file->setI32($this->file->myWait, $wait + 1);
            }
        }
        if ($done > 0) {
            $this->ringDataIfSleeping();
        }
        return $done;
    }

    public function shutdownOutput(): bool
    {
        if (!$this->outputClosed && !$this->closed) {
            $this->out->offer(OneToOneRing::TYPE_CLOSE, '', 0, 0);
            $this->file->setI32($this->file->myProducerState, RingLayout::STATE_CLOSED);
            $this->outputClosed = true;
            $this->ringDataIfSleeping();
        }
        return !$this->inputEnded && !$this->closed;
    }

    public function close(): void
    {
        if ($this->closed) {
            return;
        }
        $this->closed = true;
        if (!$this->outputClosed) {
            $this->file->setI32($this->file->myProducerState, RingLayout::STATE_ABORTED);
        }
        $this->loop->cancel($this->bellWatcher);
        @fclose($this->socket);
        $this->file->map->unmap();
        // A child's exit sequence (§9.1): stdin closed, then SIGTERM and SIGKILL after the graces.
        $this->child?->close();
    }

    public function isFinished(): bool
    {
        return $this->closed && ($this->child === null || $this->child->isFinished());
    }

    public function peerGone(string $reason): PeerGoneException
    {
        return $this->child?->peerGone($reason . ' (shared-memory ring)')
            ?? new PeerGoneException(sprintf('%s: %s', $this->description, $reason));
    }

    public function description(): string
    {
        return $this->description;
    }

    /**
     * @internal The parent closed this child's stdin (SPEC §9.4 step 3: §9.1's end-of-stdin rule
     * applies on the ring too): what the parent committed is still read, then the input ends, as
     * when the doorbell socket ends.
     */
    public function parentGone(): void
    {
        if (!$this->socketEnded) {
            $this->socketEnded = true;
            $this->loop->cancel($this->bellWatcher);
            $this->data->raise();
        }
    }

    /** Writes DATA records of at most the ring's max message length; returns the bytes taken. */
    private function offer(string $bytes, int $from, int $length): int
    {
        $max = $this->out->maxMsgLength();
        $done = 0;
        while ($done < $length) {
            $n = min($max, $length - $done);
            if (!$this->out->offer(OneToOneRing::TYPE_DATA, $bytes, $from + $done, $n)) {
                break;
            }
            $done += $n;
        }
        return $done;
    }

    /** Announce sleep, fence, re-check: either we see the data or the producer sees us asleep. */
    private function sleepUnlessData(): void
    {
        $sleep = $this->file->i32($this->file->mySleep);
        if (($sleep & 1) === 0) {
            $this->file->setI32($this->file->mySleep, ++$sleep);
        }
        $this->libc->fence();
        if ($this->in->hasRecord()) {
            $this->file->setI32($this->file->mySleep, $sleep + 1);
            $this->data->raise();
        }
    }

    private function ringDataIfSleeping(): void
    {
        $this->libc->fence();
        $sleep = $this->file->i32($this->file->peerSleep);
        if (($sleep & 1) === 1 && $sleep !== $this->lastDataRing) {
            $this->lastDataRing = $sleep;
            $this->bell(self::BELL_DATA);
        }
    }

    private function ringSpaceIfWaiting(): void
    {
        $this->libc->fence();
        $wait = $this->file->i32($this->file->peerWait);
        if (($wait & 1) === 1 && $wait !== $this->lastSpaceRing) {
            $this->lastSpaceRing = $wait;
            $this->bell(self::BELL_SPACE);
        }
    }

    private function bell(string $byte): void
    {
        if (!$this->socketEnded) {
            // A full socket buffer already means a wake-up is pending (§9.4).
            @fwrite($this->socket, $byte);
        }
    }

    /** The doorbell socket is readable: drain it, wake the reader and/or the writer. */
    private function onBell(): void
    {
        $bytes = @fread($this->socket, 4096);
        if ($bytes === false || $bytes === '') {
            if (!is_resource($this->socket) || feof($this->socket)) {
                $this->socketEnded = true;
                $this->loop->cancel($this->bellWatcher);
                $this->data->raise();
                $this->space->raise();
            }
            return;
        }
        $unexpected = str_replace([self::BELL_DATA, self::BELL_SPACE], '', $bytes);
        if ($unexpected !== '') {
            $this->bellError ??= new ProtocolException(ErrorCode::ProtocolError, sprintf(
                '%s: unexpected byte 0x%02x on the doorbell socket (only 0x01 and 0x02 are valid, SPEC §9.4)',
                $this->description,
                ord($unexpected[0]),
            ));
            $this->data->raise();
            return;
        }
        if (str_contains($bytes, self::BELL_DATA)) {
            $this->data->raise();
        }
        if (str_contains($bytes, self::BELL_SPACE)) {
            $this->space->raise();
        }
    }
}
