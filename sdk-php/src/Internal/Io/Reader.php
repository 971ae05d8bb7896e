<?php

declare(strict_types=1);

namespace Parley\Internal\Io;

use Parley\Exception\SessionClosedException;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameFlags;
use Parley\Frame\FrameValidator;
use Parley\Frame\MessageAssembler;
use Parley\Frame\MessageRejectedException;
use Parley\Transport\Transport;

use function hrtime;

/**
 * The input pump (SPEC §3, §5): transport bytes → {@see FrameDecoder} (frames, by offset, many per
 * read) → {@see MessageAssembler} (validated, reassembled) → one {@see MessageSink}. Runs as the
 * loop's read callback; it stops at the first fatal error or once {@see stop()} is called.
 *
 * @internal
 */
final class Reader
{
    private bool $active = true;
    private bool $stamping = false;
    private int $lastReceived;
    /** @var (\Closure(bool): void)|null told after every read whether a frame is left incomplete */
    private ?\Closure $afterRead = null;
    private readonly FrameValidator $validator;

    public function __construct(
        private readonly Transport $transport,
        private readonly FrameDecoder $decoder,
        private readonly MessageAssembler $assembler,
        private readonly MessageSink $sink,
    ) {
        $this->lastReceived = hrtime(true);
        $this->validator = $assembler->validator();
    }

    /** The loop's read callback: reads what is there and dispatches every complete message. */
    public function onReadable(): void
    {
        try {
            $data = $this->transport->read();
        } catch (SessionClosedException $e) {
            // A transport that checks what it carries (the ring, §9.4) found it corrupt.
            $this->sink->onFatal($e);
            return;
        }
        if ($data === null) {
            $truncated = '';
            try {
                $this->decoder->finish();
            } catch (SessionClosedException $e) {
                $truncated = '; ' . $e->getMessage();
            }
            $this->sink->onEndOfStream($truncated);
            return;
        }
        if ($data === '') {
            return;
        }
        if ($this->stamping) {
            $this->lastReceived = hrtime(true);
        }
        $this->decoder->feed($data);
        $this->dispatch();
        if ($this->afterRead !== null && $this->active) {
            ($this->afterRead)($this->decoder->insideFrame());
        }
    }

    /** Hands every complete frame of the decoder to the assembler and every message to the sink. */
    private function dispatch(): void
    {
        while ($this->active) {
            try {
                while (($frame = $this->decoder->next()) !== null) {
                    // MessageAssembler::push() in its two halves: an unchunked frame is its message.
                    if (!$this->validator->check($frame)) {
                        $this->sink->onSkipped($frame);
                        continue;
                    }
                    $message = ($frame->flags & FrameFlags::CHUNK) === 0 ? $frame : $this->assembler->pushChunk($frame);
                    if ($message === null) {
                        continue;
                    }
                    $this->sink->onMessage($message);
                    if (!$this->active) {
                        return;
                    }
                }
                return;
            } catch (MessageRejectedException $e) {
                $this->sink->onRejected($e);
            } catch (SessionClosedException $e) {
                $this->sink->onFatal($e);
                return;
            }
        }
    }

    /**
     * From now on, $afterRead is told after every read whether a frame is left incomplete (the
     * stalled-frame bound of SPEC §3.5 watches it).
     *
     * @param \Closure(bool): void $afterRead
     */
    public function watchStalls(\Closure $afterRead): void
    {
        $this->afterRead = $afterRead;
    }

    /** From now on, records when bytes arrive ({@see lastReceived()}), for the heartbeat. */
    public function stampArrivals(): void
    {
        $this->stamping = true;
        $this->lastReceived = hrtime(true);
    }

    /** hrtime() of the last read that brought bytes (while stamping). */
    public function lastReceived(): int
    {
        return $this->lastReceived;
    }

    /** Handshake done: frames up to $maxFrame are accepted from now on (§3.2). */
    public function setMaxFrame(int $maxFrame): void
    {
        $this->decoder->setMaxFrame($maxFrame);
    }

    /** Nothing more is dispatched (the session closed). */
    public function stop(): void
    {
        $this->active = false;
    }
}
