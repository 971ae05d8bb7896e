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
use Parley\Loop\MemoryReadiness;

use function sprintf;
use function strlen;

/**
 * The shared-memory ring transport (SPEC §9.4): frames go through two Agrona one-to-one rings in
 * a mapped file; a Unix socket beside it carries one-byte doorbells (0x01 DATA, 0x02 SPACE) and
 * tells, by its end, that the peer is gone.
 *
 * The event loop waits on the doorbell socket itself ({@see readStream()}), with this transport as
 * the watcher's {@see MemoryReadiness}: the loop calls read() when records are committed (no system
 * call), spins briefly on an empty ring before it blocks, then has the transport announce that it
 * sleeps, fence and re-check; only then does it block on the socket, which the producer rings. A
 * writer whose ring is full announces that it waits and is woken by a SPACE doorbell
 * ({@see spaceStream()}).
 *
 * Built by {@see \Parley\Ipc::worker()} (child side) and {@see RingLauncher} (parent side).
 */
final class RingTransport implements Transport, MemoryReadiness
{
    private const READ_BUDGET = 4 * 1024 * 1024;
    private const SPIN_NANOS = 20_000;
    /** Spins in a row that found nothing before spinning pauses (a busy host, a slow peer). */
    private const SPIN_MISSES = 4;
    /** Sleeps without spinning before it is tried again. */
    private const SPIN_PAUSE = 32;
    /** Seconds a timed-out sleep that finds records still waits for the producer's bell. */
    private const LOST_GRACE = 0.1;
    private const BELL_DATA = "\x01";
    private const BELL_SPACE = "\x02";

    private readonly Signal $space;
    private readonly OneToOneRing $in;
    private readonly OneToOneRing $out;
    private readonly int $spinNanos;
    private bool $socketEnded = false;
    private bool $inputEnded = false;
    /** Whether read() returned the end (null): the loop has nothing more to call it for. */
    private bool $endReported = false;
    private bool $outputClosed = false;
    private bool $closed = false;
    /** Whether our sleep sequence is odd: the producer may ring, the socket must be drained. */
    private bool $asleep = false;
    private int $spinMisses = 0;
    private int $spinPaused = 0;
    private ?ProtocolException $bellError = null;
    private int $lastDataRing = -1;
    private int $lastSpaceRing = -1;
    /** The doorbell socket as a socket (ext-sockets): blocking fd, MSG_DONTWAIT where we must not wait */
    private ?\Socket $sock = null;
    /** The receive timeout set on $sock in microseconds (0: none set yet). */
    private int $recvTimeoutUs = 0;
    /** Whether sleep() took the bells already: read() need not drain the socket again. */
    private bool $drained = false;
    private int $lostWakeups = 0;

    /**
     * @internal built by the SDK once the ring file is mapped and the socket is connected
     * @param resource $socket the connected doorbell socket (after the hello)
     * @param int|null $spinNanos how long the loop spins on an empty ring before it sleeps
     *                            (default 20 µs; PARLEY_RING_SPIN_NS overrides it, 0 never spins)
     */
    public function __construct(
        private readonly RingFile $file,
        private readonly mixed $socket,
        private readonly Libc $libc,
        private readonly EventLoop $loop,
        private readonly string $description,
        private readonly ?RingChild $child = null,
        ?int $spinNanos = null,
    ) {
        $this->in = $file->in;
        $this->out = $file->out;
        $this->space = new Signal();
        $this->spinNanos = $spinNanos ?? self::defaultSpin();
        stream_set_read_buffer($socket, 0);
        $sock = function_exists('socket_import_stream') ? @socket_import_stream($socket) : false;
        if ($sock instanceof \Socket && @socket_set_block($sock)) {
            // A blocking fd: sleep() waits and drains in one recv; every other use is MSG_DONTWAIT.
            $this->sock = $sock;
        } else {
            stream_set_blocking($socket, false);
        }
        stream_set_write_buffer($socket, 0);
        // A sleep sequence left odd (never by us, but be strict) would make the peer ring for nothing.
        $sleep = $this->file->i32($this->file->mySleep);
        if (($sleep & 1) === 1) {
            $this->file->setI32($this->file->mySleep, $sleep + 1);
        }
    }

    /** @return resource the doorbell socket: readable when a DATA or SPACE byte came, or at its end */
    public function readStream(): mixed
    {
        return $this->socket;
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

    /** @internal the event loop's probe: a committed record waits, or the socket told something */
    public function hasWork(): bool
    {
        if ($this->closed || $this->endReported) {
            return false;
        }
        return $this->inputEnded || $this->socketEnded || $this->bellError !== null || $this->in->hasRecord();
    }

    /**
     * @internal adaptive: after SPIN_MISSES spins in a row that ended in sleep, the next SPIN_PAUSE
     * sleeps do not spin (on a crowded host a spin only steals the peer's CPU)
     */
    public function spinNanos(): int
    {
        return $this->spinPaused > 0 ? 0 : $this->spinNanos;
    }

    /**
     * @internal announce sleep (odd sequence), full fence, re-check: either we see the records or
     * the producer sees us asleep and rings (SPEC §9.4)
     */
    public function prepareToSleep(): bool
    {
        if ($this->closed || $this->endReported) {
            return false;
        }
        if (!$this->asleep) {
            if ($this->spinPaused > 0) {
                $this->spinPaused--;
            } elseif (++$this->spinMisses >= self::SPIN_MISSES) {
                $this->spinMisses = 0;
                $this->spinPaused = self::SPIN_PAUSE;
            }
            $this->asleep = true;
            $sleep = $this->file->i32($this->file->mySleep);
            $this->file->setI32($this->file->mySleep, ($sleep & 1) === 1 ? $sleep : $sleep + 1);
            $this->libc->fence();
        }
        return $this->in->hasRecord();
    }

    /**
     * @internal one blocking recv on the doorbell socket with a timeout: it waits and drains at once
     * (SPEC §9.4); null when this side cannot (no ext-sockets, a writer waits for SPACE on its own
     * stream, nothing was announced)
     */
    public function sleep(float $seconds): ?bool
    {
        if (
            $this->sock === null || !$this->asleep || $this->closed || $this->socketEnded
            || $this->space->isRaised() || ($this->file->i32($this->file->myWait) & 1) === 1
        ) {
            return null;
        }
        $this->recvTimeout($seconds);
        $bytes = $this->recvBells(true);
        if ($bytes === null) {
            $this->socketEnded = true;
            $this->space->raise();
            return true;
        }
        if ($bytes !== '') {
            $this->takeBells($bytes);
            $this->drained = strlen($bytes) < 4096;
            return true;
        }
        // The time ran out with records waiting: the producer may not have flushed (rung) yet, so
        // its bell gets a grace of LOST_GRACE; none by then is a lost wake-up.
        if ($this->in->hasRecord()) {
            $this->recvTimeout(self::LOST_GRACE);
            $bytes = $this->recvBells(true);
            if ($bytes === null) {
                $this->socketEnded = true;
                $this->space->raise();
            } elseif ($bytes === '' || !$this->takeBells($bytes)) {
                $this->lostWakeups++;
            }
            $this->drained = true;
            return true;
        }
        return false;
    }

    /**
     * Lost wake-ups this side counted: a sleep that ran out with records committed and no DATA
     * doorbell on the socket (SPEC §9.4: a bug; should stay 0).
     */
    public function lostWakeups(): int
    {
        return $this->lostWakeups;
    }

    public function read(): ?string
    {
        if ($this->closed || $this->inputEnded) {
            $this->endReported = true;
            return null;
        }
        $wait = $this->file->i32($this->file->myWait);
        if ($this->asleep || ($wait & 1) === 1) {
            // Awake: the producer stops ringing once the sequence is even; take what it rang.
            $this->wake();
            if (!$this->drained) {
                $this->drainBells();
            }
            $this->drained = false;
        } else {
            // Called without sleeping: the spin (or a stream of records) found the work.
            $this->spinMisses = 0;
        }
        if ($this->bellError !== null) {
            throw $this->bellError;
        }
        $bytes = $this->poll();
        if ($bytes !== null) {
            return $this->endAfter($bytes);
        }
        // Nothing committed: the loop called us for the socket (a late doorbell, SPACE, the end).
        if ($this->drainBells() || $this->socketEnded) {
            // A doorbell or the end came after the look above: every committed record first.
            $bytes = $this->poll();
            if ($bytes !== null) {
                return $this->endAfter($bytes);
            }
        }
        if ($this->bellError !== null) {
            throw $this->bellError;
        }
        if ($this->socketEnded) {
            // Every committed record is drained: now the end of the socket is the end.
            $this->inputEnded = $this->endReported = true;
            return null;
        }
        return '';
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
        if ($this->lostWakeups > 0 || (string) getenv('PARLEY_RING_STATS') !== '') {
            // a lost wake-up is a bug worth a line (§9.4); PARLEY_RING_STATS asks for it always
            @fwrite(STDERR, sprintf(
                "parley ring stats (%s): %d lost wake-ups\n",
                $this->description,
                $this->lostWakeups,
            ));
        }
        $this->sock = null;
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
        $this->socketEnded = true;
        $this->space->raise();
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
            if ($this->sock !== null) {
                @socket_send($this->sock, $byte, 1, MSG_DONTWAIT);
            } else {
                @fwrite($this->socket, $byte);
            }
        }
    }

    /**
     * Reads committed records (at most the read budget); null when there were none. A CLOSE record
     * ends the input: its bytes come back, then null.
     */
    private function poll(): ?string
    {
        $before = $this->in->head();
        $closed = false;
        $bytes = $this->in->poll(self::READ_BUDGET, $closed);
        if ($this->in->head() !== $before) {
            $this->ringSpaceIfWaiting();
        }
        if ($closed) {
            $this->inputEnded = true;
            return $bytes;
        }
        return $bytes === '' ? null : $bytes;
    }

    /** The bytes read, or the end (null) when a CLOSE record came with nothing before it. */
    private function endAfter(string $bytes): ?string
    {
        if ($bytes === '' && $this->inputEnded) {
            $this->endReported = true;
            return null;
        }
        return $bytes;
    }

    private function wake(): void
    {
        if ($this->asleep) {
            $this->asleep = false;
            $sleep = $this->file->i32($this->file->mySleep);
            if (($sleep & 1) === 1) {
                $this->file->setI32($this->file->mySleep, $sleep + 1);
            }
        }
    }

    /**
     * Drains the doorbell socket without waiting: a SPACE byte wakes the writer, the socket's end
     * is noted, any byte other than 0x01/0x02 is a PROTOCOL_ERROR. Returns whether a DATA byte came.
     */
    private function drainBells(): bool
    {
        $data = false;
        while (!$this->socketEnded) {
            $bytes = $this->recvBells(false);
            if ($bytes === null) {
                $this->socketEnded = true;
                $this->space->raise();
                break;
            }
            if ($bytes === '') {
                break;
            }
            $data = $this->takeBells($bytes) || $data;
            if ($this->bellError !== null || strlen($bytes) < 4096) {
                break;
            }
        }
        return $data;
    }

    /** Handles doorbell bytes received; returns whether a DATA byte was among them. */
    private function takeBells(string $bytes): bool
    {
        $unexpected = str_replace([self::BELL_DATA, self::BELL_SPACE], '', $bytes);
        if ($unexpected !== '') {
            $this->bellError ??= new ProtocolException(ErrorCode::ProtocolError, sprintf(
                '%s: unexpected byte 0x%02x on the doorbell socket (only 0x01 and 0x02 are valid, SPEC §9.4)',
                $this->description,
                ord($unexpected[0]),
            ));
            return false;
        }
        if (str_contains($bytes, self::BELL_SPACE)) {
            $this->space->raise();
        }
        return str_contains($bytes, self::BELL_DATA);
    }

    /**
     * One recv on the doorbell socket: the bytes, '' when none are there (or the wait ran out),
     * null at the socket's end.
     */
    private function recvBells(bool $wait): ?string
    {
        if ($this->sock !== null) {
            $buffer = '';
            $n = @socket_recv($this->sock, $buffer, 4096, $wait ? 0 : MSG_DONTWAIT);
            if ($n === false) {
                $error = socket_last_error($this->sock);
                socket_clear_error($this->sock);
                return $error === SOCKET_EAGAIN || $error === SOCKET_EWOULDBLOCK || $error === SOCKET_EINTR ? '' : null;
            }
            return $n === 0 ? null : (string) $buffer;
        }
        $bytes = @fread($this->socket, 4096);
        if ($bytes === false || $bytes === '') {
            return !is_resource($this->socket) || feof($this->socket) ? null : '';
        }
        return $bytes;
    }

    /**
     * Sets the socket's receive timeout for a sleep of $seconds, rounded down to a power of two
     * milliseconds (at most 1 s) so that repeated sleeps reuse it without another system call; a
     * shorter sleep only means one more turn of the loop.
     */
    private function recvTimeout(float $seconds): void
    {
        $us = max(1, (int) ($seconds * 1e6));
        if ($us >= 1_000_000) {
            $us = 1_000_000;
        } elseif ($us >= 1000) {
            $ms = 1;
            while ($ms * 2000 <= $us) {
                $ms *= 2;
            }
            $us = $ms * 1000;
        }
        if ($us !== $this->recvTimeoutUs) {
            $this->recvTimeoutUs = $us;
            $timeout = ['sec' => intdiv($us, 1_000_000), 'usec' => $us % 1_000_000];
            @socket_set_option($this->sock, SOL_SOCKET, SO_RCVTIMEO, $timeout);
        }
    }

    private static function defaultSpin(): int
    {
        $configured = getenv('PARLEY_RING_SPIN_NS');
        return $configured !== false && is_numeric($configured) ? max(0, (int) $configured) : self::SPIN_NANOS;
    }
}
