<?php

declare(strict_types=1);

namespace Parley\Internal\Io;

use Closure;
use Parley\Exception\PeerGoneException;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameKind;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use Parley\Loop\Flushable;
use Parley\Transport\RingTransport;
use Parley\Transport\Transport;

use function array_splice;
use function array_unshift;
use function count;
use function hrtime;
use function implode;
use function is_string;
use function max;
use function min;
use function pack;
use function strlen;
use function substr;

/**
 * Everything the session sends goes through here (SPEC §3, §5): one typed method per frame kind,
 * the header packed by {@see FrameEncoder} only, messages larger than the peer's max_frame chunked.
 *
 * The queue-vs-write rule, owned here and nowhere else: a sender only QUEUES; the bytes are written
 * by {@see flush()}, which the loop runs before it waits (so the frames of one tick go out in one
 * write, coalesced up to 256 KiB) and which never blocks: what the transport does not take waits
 * for writability. A sender is never inside a write, so a handler that sends while the peer is not
 * reading cannot deadlock the session. Backpressure: REQUEST and NOTIFICATION senders suspend in
 * {@see awaitSpace()} while more than 4 MiB are queued, until the transport drained; answers never
 * wait (a handler's answer must not depend on the peer reading).
 *
 * Until the handshake is complete ({@see open()}), messages other than HELLO and ERROR are held and
 * sent in order once it is (§8.2).
 *
 * @internal
 */
final class FrameWriter implements Flushable
{
    /** Above this many queued bytes a sender waits for the transport (backpressure). */
    private const MAX_BUFFERED = 4 * 1048576;
    /** Largest single write attempt. */
    private const MAX_WRITE = 1048576;

    /** A body at least this large is queued as it is, apart from its header, never copied into a frame. */
    private const SEPARATE_BODY = 65536;

    /**
     * @var list<string|array{string, int, int}> what is not yet handed to the transport: frames,
     *      headers, bodies, and windows [bytes, offset, length] onto a large body (its chunks, §5)
     */
    private array $out = [];
    private int $outBytes = 0;
    /** What is being written: $outChunk from $outOffset up to $outEnd */
    private string $outChunk = '';
    private int $outOffset = 0;
    private int $outEnd = 0;
    private int $writeSlice = 65536;
    private bool $flushScheduled = false;
    private ?int $writeWatcher = null;
    private bool $closed = false;
    private bool $held = true;
    /** At most one eager (write-at-once) flush of notifications and progress per this many ns. */
    private const EAGER_INTERVAL_NS = 1_000_000;
    /** hrtime() of the last eager flush. */
    private int $lastEager = 0;
    /** @var list<array{int, int, int, string, int, int, string}> messages held until the handshake */
    private array $afterHandshake = [];
    private ?Deferred $drained = null;
    private int $peerMaxFrame = FrameDescriptor::HANDSHAKE_MAX_FRAME;
    /** Called after a flush that emptied the queue, while set (the GOODBYE drain watches it). */
    private ?Closure $onIdle = null;
    /** Our HELLO while it is still first in the queue: nothing may jump ahead of it (§8.2). */
    private ?string $helloQueued = null;

    /**
     * @param Closure(PeerGoneException): void $onBroken the transport cannot take bytes any more
     */
    public function __construct(
        private readonly Transport $transport,
        private readonly EventLoop $loop,
        private readonly Closure $onBroken,
        private readonly ?RingTransport $ring = null, // the undecorated ring under $transport, if any
    ) {
    }

    /** The handshake is complete: the peer's max_frame applies, held messages go out. */
    public function open(int $peerMaxFrame): void
    {
        $this->peerMaxFrame = $peerMaxFrame;
        $this->held = false;
        $held = $this->afterHandshake;
        $this->afterHandshake = [];
        foreach ($held as $message) {
            $this->message(...$message);
        }
    }

    public function peerMaxFrame(): int
    {
        return $this->peerMaxFrame;
    }

    /** @param Closure(): void|null $onIdle called after each flush that emptied the queue */
    public function watchIdle(?Closure $onIdle): void
    {
        $this->onIdle = $onIdle;
    }

    /** Whether nothing is queued or partly written. */
    public function isIdle(): bool
    {
        return $this->outBytes <= 0 && $this->outChunk === '' && $this->out === [];
    }

    // ---------------------------------------------------------------- one method per kind (§4)

    /** HELLO (§8.2): sent at once, never held. */
    public function hello(string $json): void
    {
        $this->helloQueued = FrameEncoder::encode(FrameKind::HELLO, 0, 0, '', FrameDescriptor::CODEC_JSON, 0, $json);
        $this->queue($this->helloQueued);
        // Written at once (a non-blocking attempt), not when the loop next runs: a parent that spawns
        // many children before running its loop would otherwise keep the first ones waiting for
        // their HELLO past their handshake timeout (§8.2).
        $this->flush();
    }

    /** REQUEST (§4.1) with a small JSON body: the common call, one frame. Applies backpressure. */
    public function requestJson(int $id, int $flags, int $timeoutMs, string $method, string $json): void
    {
        // FrameEncoder::requestMeta(), inlined.
        $meta = ($timeoutMs === 0 ? "\0\0\0\0" : pack('N', $timeoutMs)) . $method;
        if ($this->held || $this->closed || strlen($meta) + strlen($json) > $this->peerMaxFrame) {
            $this->message(FrameKind::REQUEST, $flags, $id, $meta, FrameDescriptor::CODEC_JSON, 0, $json);
        } else {
            // queueFrame(), inlined for the most common frame.
            $frame = FrameEncoder::header(
                FrameKind::REQUEST,
                $flags,
                $id,
                strlen($meta),
                FrameDescriptor::CODEC_JSON,
                0,
                strlen($json),
            ) . $meta . $json;
            $this->out[] = $frame;
            $this->outBytes += strlen($frame);
            if (!$this->flushScheduled) {
                $this->flushScheduled = true;
                $this->loop->scheduleFlush($this);
            }
        }
        if ($this->outBytes > self::MAX_BUFFERED) {
            $this->awaitSpace();
        }
    }

    /** REQUEST (§4.1): meta = timeout_ms (u32, 0 = none) and the method. Applies backpressure. */
    public function request(int $id, int $flags, int $timeoutMs, string $method, Encoded $body): void
    {
        $this->encoded(FrameKind::REQUEST, $flags, $id, FrameEncoder::requestMeta($timeoutMs, $method), $body);
        if ($this->outBytes > self::MAX_BUFFERED) {
            $this->awaitSpace();
        }
    }

    /** RESPONSE (§4.3) with a small JSON body: the common answer, one frame. */
    public function responseJson(int $id, string $json): void
    {
        if ($this->held || $this->closed || strlen($json) > $this->peerMaxFrame) {
            $this->message(FrameKind::RESPONSE, 0, $id, '', FrameDescriptor::CODEC_JSON, 0, $json);
            return;
        }
        // queueFrame(), inlined for the most common frame.
        $frame = FrameEncoder::header(
            FrameKind::RESPONSE,
            0,
            $id,
            0,
            FrameDescriptor::CODEC_JSON,
            0,
            strlen($json),
        ) . $json;
        $this->out[] = $frame;
        $this->outBytes += strlen($frame);
        if (!$this->flushScheduled) {
            $this->flushScheduled = true;
            $this->loop->scheduleFlush($this);
        }
    }

    public function response(int $id, Encoded $body): void
    {
        $this->encoded(FrameKind::RESPONSE, 0, $id, '', $body);
    }

    /** ERROR (§7.1); id 0 is fatal (§7.3). Not held during the handshake (a refused HELLO). */
    public function error(int $id, string $json): void
    {
        $this->message(FrameKind::ERROR, 0, $id, '', FrameDescriptor::CODEC_JSON, 0, $json);
    }

    /**
     * NOTIFICATION (§4.2) with a small JSON body, one frame. Applies backpressure unless told not to
     * (a sender that must never suspend, like the output capture of a stdio worker).
     */
    public function notificationJson(string $method, string $json, bool $backpressure = true): void
    {
        if ($this->held || $this->closed || strlen($method) + strlen($json) > $this->peerMaxFrame) {
            $this->message(FrameKind::NOTIFICATION, 0, 0, $method, FrameDescriptor::CODEC_JSON, 0, $json);
        } else {
            // queueFrame(), inlined for the most common frame.
            $frame = FrameEncoder::header(
                FrameKind::NOTIFICATION,
                0,
                0,
                strlen($method),
                FrameDescriptor::CODEC_JSON,
                0,
                strlen($json),
            ) . $method . $json;
            $this->out[] = $frame;
            $this->outBytes += strlen($frame);
            // Live delivery: a notification made by blocking code (a handler that sleeps or waits
            // on I/O between two notify() calls) must not wait for the loop to get control back.
            $now = hrtime(true);
            if ($now - $this->lastEager >= self::EAGER_INTERVAL_NS) {
                $this->lastEager = $now;
                $this->flush();
            } elseif (!$this->flushScheduled) {
                // In a burst: coalesced, flushed when the loop gets control.
                $this->flushScheduled = true;
                $this->loop->scheduleFlush($this);
            }
        }
        if ($backpressure && $this->outBytes > self::MAX_BUFFERED) {
            $this->awaitSpace();
        }
    }

    /** NOTIFICATION (§4.2). Applies backpressure. */
    public function notification(string $method, Encoded $body): void
    {
        $this->encoded(FrameKind::NOTIFICATION, 0, 0, $method, $body);
        $this->flushNow();
        if ($this->outBytes > self::MAX_BUFFERED) {
            $this->awaitSpace();
        }
    }

    /** PROGRESS (§6.3). */
    public function progress(int $id, Encoded $body): void
    {
        $this->encoded(FrameKind::PROGRESS, 0, $id, '', $body);
        $this->flushNow();
    }

    /**
     * A non-blocking write attempt at once (what the transport does not take is queued and goes
     * out when the stream is writable): PROGRESS and notifications are live even when the code that
     * makes them blocks before the loop gets control back. In a burst (another eager write less
     * than {@see EAGER_INTERVAL_NS} ago) frames are coalesced as before: they go out with the next
     * eager write or the loop's flush, whichever comes first.
     */
    private function flushNow(): void
    {
        if (!$this->held && !$this->closed && $this->out !== []) {
            $now = hrtime(true);
            if ($now - $this->lastEager >= self::EAGER_INTERVAL_NS) {
                $this->lastEager = $now;
                $this->flush();
            }
        }
    }

    /** CANCEL (§6.6): ahead of queued data. */
    public function cancel(int $id): void
    {
        $this->queue(FrameEncoder::encode(FrameKind::CANCEL, 0, $id, '', 0, 0, ''), true);
    }

    /** PING (§8.4): ahead of queued data. */
    public function ping(int $id, string $body = ''): void
    {
        $this->queue(FrameEncoder::encode(FrameKind::PING, 0, $id, '', 0, 0, $body), true);
    }

    /** PONG (§8.4): the PING's id and body, ahead of queued data. */
    public function pong(int $id, string $body): void
    {
        $this->queue(FrameEncoder::encode(FrameKind::PONG, 0, $id, '', 0, 0, $body), true);
    }

    /** GOODBYE (§8.5). */
    public function goodbye(string $json): void
    {
        $this->message(FrameKind::GOODBYE, 0, 0, '', FrameDescriptor::CODEC_JSON, 0, $json);
    }

    /**
     * The last frame of an abrupt close (§7.3): drops what is queued (the frame being written is
     * finished), queues ERROR id 0 and makes a few non-blocking attempts to write it; never waits.
     */
    public function fatalError(string $json): void
    {
        if ($this->closed) {
            return;
        }
        $this->out = [FrameEncoder::encode(FrameKind::ERROR, 0, 0, '', FrameDescriptor::CODEC_JSON, 0, $json)];
        $this->outBytes = strlen($this->out[0]) + ($this->outChunk === '' ? 0 : $this->outEnd - $this->outOffset);
        if ($this->writeWatcher !== null) {
            $this->loop->cancel($this->writeWatcher);
            $this->writeWatcher = null;
        }
        try {
            for ($attempt = 0; $attempt < 3 && ($this->out !== [] || $this->outChunk !== ''); $attempt++) {
                $this->flushOnce();
            }
        } catch (\Throwable) {
            // The transport is broken too.
        }
    }

    // ---------------------------------------------------------------- queue and flush

    /** Backpressure: when more than 4 MiB are queued, lets the transport drain before going on. */
    public function awaitSpace(): void
    {
        if ($this->outBytes <= self::MAX_BUFFERED) {
            return;
        }
        $this->flush();
        if ($this->outBytes <= self::MAX_BUFFERED || $this->closed || $this->loop->listenerDepth > 0) {
            return;
        }
        $this->drained ??= new Deferred($this->loop);
        $this->drained->await();
    }

    /** Makes sure a flush runs before the loop waits. */
    public function scheduleFlush(): void
    {
        if (!$this->flushScheduled) {
            $this->flushScheduled = true;
            $this->loop->scheduleFlush($this);
        }
    }

    /** Nothing more is written (the output was shut down, or the session is released). */
    public function close(): void
    {
        $this->closed = true;
        if ($this->writeWatcher !== null) {
            $this->loop->cancel($this->writeWatcher);
            $this->writeWatcher = null;
        }
        if ($this->drained !== null) {
            $this->drained->resolve();
            $this->drained = null;
        }
    }

    /** Writes queued frames now, as far as the transport takes them without blocking. */
    public function flush(): void
    {
        $this->flushScheduled = false;
        if ($this->writeWatcher !== null || $this->closed) {
            return;
        }
        if (
            $this->outChunk === '' && $this->outBytes <= self::MAX_WRITE && count($this->out) === 1
            && is_string($this->out[0])
        ) {
            // One small frame queued (a call or an answer): write it, most likely whole.
            $frame = $this->out[0];
            $this->out = [];
            try {
                $written = $this->transport->write($frame);
            } catch (PeerGoneException $e) {
                $this->outBytes = 0;
                ($this->onBroken)($e);
                return;
            }
            $this->outBytes -= $written;
            if ($written === strlen($frame)) {
                if ($this->drained !== null || $this->onIdle !== null) {
                    $this->afterFlush();
                }
                return;
            }
            $this->outChunk = $frame;
            $this->outOffset = $written;
            $this->outEnd = strlen($frame);
        }
        while (true) {
            if ($this->outChunk === '') {
                if ($this->out === []) {
                    break;
                }
                $this->nextChunk();
            }
            $length = $this->outEnd - $this->outOffset;
            $slice = $this->outOffset === 0 && $length <= self::MAX_WRITE && $length === strlen($this->outChunk)
                ? $this->outChunk
                : substr($this->outChunk, $this->outOffset, min($length, $this->writeSlice));
            try {
                $written = $this->transport->write($slice);
            } catch (PeerGoneException $e) {
                $this->out = [];
                $this->outChunk = '';
                $this->outBytes = 0;
                ($this->onBroken)($e);
                return;
            }
            $this->outOffset += $written;
            $this->outBytes -= $written;
            if ($this->outOffset >= $this->outEnd) {
                $this->outChunk = '';
                $this->outOffset = 0;
            }
            if ($written < strlen($slice)) {
                $this->writeSlice = min(self::MAX_WRITE, max(65536, 2 * $written));
                $retry = function (): void {
                    $this->loop->cancel((int) $this->writeWatcher);
                    $this->writeWatcher = null;
                    $this->flush();
                };
                // The ring (§9.4) signals room by a SPACE doorbell, not by writability.
                $this->writeWatcher = $this->ring !== null
                    ? $this->loop->onReadable($this->ring->spaceStream(), $retry)
                    : $this->loop->onWritable($this->transport->writeStream(), $retry);
                return;
            }
        }
        $this->afterFlush();
    }

    private function encoded(int $kind, int $flags, int $id, string $meta, Encoded $body): void
    {
        $this->message($kind, $flags, $id, $meta, $body->codec, $body->compression, $body->bytes, $body->pieces);
    }

    /**
     * Frames a message, chunking it when it exceeds the peer's max_frame (§5), and queues it. A body
     * of $pieces (uncompressed) is cut into frames piece by piece, never joined, unless it fits in one.
     *
     * @param list<string>|null $pieces
     */
    private function message(
        int $kind,
        int $flags,
        int $id,
        string $meta,
        int $codec,
        int $compression,
        string $body,
        ?array $pieces = null,
    ): void {
        if ($this->held && $kind !== FrameKind::ERROR) {
            $this->afterHandshake[] = [$kind, $flags, $id, $meta, $codec, $compression, $body, $pieces];
            return;
        }
        $size = $pieces === null ? strlen($body) : WriteQueue::size($pieces);
        if (strlen($meta) + $size > $this->peerMaxFrame) {
            $this->outBytes += WriteQueue::pieces(
                $this->out,
                $this->peerMaxFrame,
                $kind,
                $flags,
                $id,
                $meta,
                $codec,
                $compression,
                $pieces ?? [$body],
            );
            $this->scheduleFlush();
            return;
        }
        if ($pieces !== null) {
            $body = implode('', $pieces); // fits in one frame
        }
        $metaLength = strlen($meta);
        if ($size < self::SEPARATE_BODY || $this->closed) {
            $this->queueFrame(FrameEncoder::encode($kind, $flags, $id, $meta, $codec, $compression, $body));
            return;
        }
        // A large body is written from where it is: no copy of it behind a header.
        $head = FrameEncoder::header($kind, $flags, $id, $metaLength, $codec, $compression, $size) . $meta;
        $this->out[] = $head;
        $this->out[] = $body;
        $this->outBytes += strlen($head) + $size;
        $this->scheduleFlush();
    }

    /** Queues one whole frame behind the others. */
    private function queueFrame(string $frame): void
    {
        if ($this->closed) {
            return;
        }
        $this->out[] = $frame;
        $this->outBytes += strlen($frame);
        if (!$this->flushScheduled) {
            $this->flushScheduled = true;
            $this->loop->scheduleFlush($this);
        }
    }

    /**
     * Queues bytes; urgent ones (PONG, CANCEL, PING) go ahead of queued data, but never ahead of
     * our HELLO: the first frame a peer sends is its HELLO (§8.2).
     */
    private function queue(string $bytes, bool $urgent = false): void
    {
        if ($this->closed) {
            return;
        }
        if ($urgent) {
            if ($this->helloQueued !== null && $this->out !== [] && $this->out[0] === $this->helloQueued) {
                array_splice($this->out, 1, 0, [$bytes]);
            } else {
                $this->helloQueued = null;
                array_unshift($this->out, $bytes);
            }
        } else {
            $this->out[] = $bytes;
        }
        $this->outBytes += strlen($bytes);
        $this->scheduleFlush();
    }

    /** Takes the next write unit off the queue: one large frame, or small ones coalesced. */
    private function nextChunk(): void
    {
        [$this->outChunk, $this->outOffset, $this->outEnd] = WriteQueue::take($this->out);
    }

    private function afterFlush(): void
    {
        if ($this->drained !== null) {
            $drained = $this->drained;
            $this->drained = null;
            $drained->resolve();
        }
        if ($this->onIdle !== null) {
            ($this->onIdle)();
        }
    }

    /** One non-blocking write attempt of whatever is queued (used when aborting). */
    private function flushOnce(): void
    {
        if ($this->outChunk === '') {
            $parts = [];
            foreach ($this->out as $part) {
                $parts[] = is_string($part) ? $part : substr($part[0], $part[1], $part[2]);
            }
            $this->outChunk = implode('', $parts);
            $this->out = [];
            $this->outOffset = 0;
            $this->outEnd = strlen($this->outChunk);
        }
        $written = $this->transport->write(substr($this->outChunk, $this->outOffset, $this->outEnd - $this->outOffset));
        $this->outOffset += $written;
        if ($this->outOffset >= $this->outEnd) {
            $this->outChunk = '';
        }
    }
}
