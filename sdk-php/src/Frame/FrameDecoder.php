<?php

declare(strict_types=1);

namespace Parley\Frame;

use Closure;
use Parley\Exception\ErrorCode;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Exception\SessionClosedException;

use function array_unshift;
use function hash;
use function implode;
use function min;
use function sprintf;
use function strlen;
use function strncmp;
use function strpos;
use function substr;
use function substr_compare;
use function unpack;

/**
 * The stream decoder of SPEC §3.5–§3.6: feed it bytes as they arrive, in pieces of any size, and
 * pull frames with {@see next()}.
 *
 * The input is kept in one string and read by offset, so many frames per read cost no copying
 * beyond their own meta and body. Stray bytes are skipped and reported (at once, merged per run)
 * to the listener; the payload length is checked against max_frame as soon as the header is
 * verified, before any payload is buffered beyond what already arrived.
 */
final class FrameDecoder
{
    private string $buffer = '';
    private int $pos = 0;
    /** Bytes needed from $pos for the frame whose header is verified (0 = no verified header). */
    private int $need = 0;
    /** @var array<int, int> the verified header waiting for its payload (u32 words of bytes 4..19) */
    private array $header = [];
    /** Start offset of the run of stray bytes not yet reported, or -1. */
    private int $strayFrom = -1;
    /** Stray bytes since the last verified header (§3.6 rule 4). */
    private int $strayCount = 0;
    private ?SessionClosedException $error = null;
    /** @var list<string> pieces of a verified frame's payload that arrived after $buffer, joined once it is complete */
    private array $pending = [];
    private int $pendingBytes = 0;
    /** A frame completed by {@see feed()} from pieces, returned by the next {@see next()} */
    private ?Frame $ready = null;

    /**
     * @param Closure(string): void|null $onStray receives every run of skipped bytes, in order
     */
    public function __construct(
        private int $maxFrame = FrameDescriptor::DEFAULT_MAX_FRAME,
        private readonly int $maxStray = FrameDescriptor::DEFAULT_MAX_STRAY,
        private readonly ?Closure $onStray = null,
    ) {
    }

    /** The receive limit (payload bytes): 64 KiB before the handshake, then this peer's max_frame. */
    public function setMaxFrame(int $maxFrame): void
    {
        $this->maxFrame = $maxFrame;
    }

    public function feed(string $bytes): void
    {
        if ($this->need > 0) {
            // A frame larger than one read: keep its pieces apart and join them once, when the last
            // one arrives (appending each to the buffer would copy the frame over and over).
            $length = strlen($bytes);
            if (strlen($this->buffer) - $this->pos + $this->pendingBytes + $length < $this->need) {
                $this->pending[] = $bytes;
                $this->pendingBytes += $length;
                return;
            }
            if ($this->pending !== []) {
                if ($this->completeFromPieces($bytes)) {
                    return;
                }
                $pieces = $this->pending;
                $pieces[] = $bytes;
                $this->pending = [];
                $this->pendingBytes = 0;
                $bytes = implode('', $pieces);
                unset($pieces);
            }
        }
        if ($this->pos >= strlen($this->buffer)) {
            $this->buffer = $bytes;
        } elseif ($this->pos > 0) {
            $this->buffer = substr($this->buffer, $this->pos) . $bytes;
        } else {
            $this->buffer .= $bytes;
        }
        $this->pos = 0;
    }

    /**
     * The next complete frame, or null when more input is needed.
     *
     * @throws ProtocolException UNSUPPORTED_VERSION, FRAME_TOO_LARGE or PROTOCOL_ERROR (stray limit);
     *                           all fatal: the same exception is thrown again on every later call
     */
    public function next(): ?Frame
    {
        if ($this->ready !== null) {
            $frame = $this->ready;
            $this->ready = null;
            return $frame;
        }
        $buffer = $this->buffer;
        $pos = $this->pos;
        $end = strlen($buffer);
        if ($this->need === 0 && $this->error === null && $this->strayFrom < 0) {
            // Fast path: a complete, verified frame right at the current position (the common
            // case), or nothing left. Anything else takes the full procedure below.
            if ($end - $pos >= FrameDescriptor::HEADER_SIZE) {
                $head = substr($buffer, $pos, FrameDescriptor::CRC_COVERED);
                if (
                    strncmp($head, FrameDescriptor::MAGIC, 4) === 0
                    && hash('crc32c', $head, true) === substr($buffer, $pos + FrameDescriptor::CRC_COVERED, 4)
                ) {
                    $header = unpack(FrameDescriptor::UNPACK_WORDS, $head, 4);
                    $meta = $header[3] >> 16;
                    $body = $header[4];
                    $start = $pos + FrameDescriptor::HEADER_SIZE;
                    if (
                        ($header[1] & 0xFF000000) === FrameDescriptor::VERSION_WORD
                        && $meta + $body <= $this->maxFrame && $end - $start >= $meta + $body
                    ) {
                        $this->strayCount = 0;
                        $next = $start + $meta + $body;
                        if ($next >= $end) {
                            $this->buffer = '';
                            $this->pos = 0;
                        } else {
                            $this->pos = $next;
                        }
                        return new Frame(
                            ($header[1] >> 16) & 0xFF,
                            $header[1] & 0xFFFF,
                            $header[2],
                            ($header[3] >> 8) & 0xFF,
                            $header[3] & 0xFF,
                            $meta === 0 ? '' : substr($buffer, $start, $meta),
                            $body === 0 ? '' : substr($buffer, $start + $meta, $body),
                        );
                    }
                }
            } elseif ($pos >= $end) {
                return null;
            }
        }
        return $this->decodeSlowly();
    }

    /** The full procedure of §3.5: stray bytes, waiting for input, errors. */
    private function decodeSlowly(): ?Frame
    {
        if ($this->error !== null) {
            throw $this->error;
        }
        $buffer = $this->buffer;
        $end = strlen($buffer);
        if ($this->need > 0) {
            if ($end - $this->pos < $this->need) {
                return null;
            }
            return $this->emit($this->header, $this->pos);
        }
        while (true) {
            $pos = $this->pos;
            if ($pos >= $end) {
                if ($this->strayFrom >= 0) {
                    $this->reportStray();
                }
                return null;
            }
            $at = strpos($buffer, FrameDescriptor::MAGIC, $pos);
            if ($at === false) {
                // Keep a trailing 1–3-byte prefix of the magic; the rest is stray (§3.5 step 1).
                $keep = 0;
                for ($k = min(3, $end - $pos); $k > 0; $k--) {
                    if (substr_compare($buffer, FrameDescriptor::MAGIC, $end - $k, $k) === 0) {
                        $keep = $k;
                        break;
                    }
                }
                if ($end - $keep > $pos) {
                    $this->skip($end - $keep);
                }
                $this->reportStray();
                return null;
            }
            if ($at !== $pos) {
                $this->skip($at);
            }
            if ($end - $at < FrameDescriptor::HEADER_SIZE) {
                $this->reportStray();
                return null;
            }
            if (
                hash('crc32c', substr($buffer, $at, FrameDescriptor::CRC_COVERED), true)
                !== substr($buffer, $at + FrameDescriptor::CRC_COVERED, 4)
            ) {
                // Not a header: its first byte is stray; rescan from the next one (§3.5 step 3).
                $this->skip($at + 1);
                continue;
            }
            if ($this->strayFrom >= 0) {
                $this->reportStray();
            }
            $this->strayCount = 0;
            // Bytes 4..19 as four u32: version|kind|flags, id, meta_len|codec|compression, body_len.
            $header = unpack(FrameDescriptor::UNPACK_WORDS, $buffer, $at + 4);
            if (($header[1] >> 24) !== FrameDescriptor::VERSION) {
                throw $this->fail(ErrorCode::UnsupportedVersion, sprintf(
                    'frame version %d is not supported; this peer speaks version %d',
                    $header[1] >> 24,
                    FrameDescriptor::VERSION,
                ));
            }
            $payload = ($header[3] >> 16) + $header[4];
            if ($payload > $this->maxFrame) {
                throw $this->fail(ErrorCode::FrameTooLarge, sprintf(
                    '%s frame announces a %d-byte payload; this peer accepts at most %d (max_frame)',
                    FrameKind::describe(($header[1] >> 16) & 0xFF),
                    $payload,
                    $this->maxFrame,
                ));
            }
            $start = $at + FrameDescriptor::HEADER_SIZE;
            if ($end - $start < $payload) {
                $this->pos = $at;
                $this->need = FrameDescriptor::HEADER_SIZE + $payload;
                $this->header = $header;
                return null;
            }
            // emit(), inlined: this is the per-frame hot path.
            $meta = $header[3] >> 16;
            $body = $header[4];
            $next = $start + $payload;
            if ($next >= $end) {
                $this->buffer = '';
                $this->pos = 0;
            } else {
                $this->pos = $next;
            }
            return new Frame(
                ($header[1] >> 16) & 0xFF,
                $header[1] & 0xFFFF,
                $header[2],
                ($header[3] >> 8) & 0xFF,
                $header[3] & 0xFF,
                $meta === 0 ? '' : substr($buffer, $start, $meta),
                $body === 0 ? '' : substr($buffer, $start + $meta, $body),
            );
        }
    }

    /**
     * End of input (§3.5): leftover bytes are stray, or a truncated frame when they follow a
     * verified header.
     *
     * @throws PeerGoneException for a truncated frame
     */
    public function finish(): void
    {
        if ($this->error !== null) {
            return;
        }
        $rest = strlen($this->buffer) - $this->pos + $this->pendingBytes;
        $this->pending = [];
        $this->pendingBytes = 0;
        if ($rest <= 0) {
            return;
        }
        if ($this->need > 0) {
            $message = sprintf(
                'truncated frame at end of input: %s frame, %d of %d bytes received',
                FrameKind::describe(($this->header[1] >> 16) & 0xFF),
                $rest,
                $this->need,
            );
            $this->buffer = '';
            $this->pos = 0;
            $this->need = 0;
            throw $this->error = new PeerGoneException($message);
        }
        $this->skip(strlen($this->buffer));
        $this->reportStray();
    }

    /** Whether a verified header waits for the rest of its payload (SPEC §3.5, stalled frame). */
    public function insideFrame(): bool
    {
        return $this->need > 0 && $this->error === null;
    }

    /** Bytes received and not yet returned as frames or reported as stray. */
    public function bufferedBytes(): int
    {
        $ready = $this->ready === null ? 0
            : FrameDescriptor::HEADER_SIZE + strlen($this->ready->meta) + strlen($this->ready->body);
        return strlen($this->buffer) - $this->pos + $this->pendingBytes + $ready;
    }

    /** @param array<int, int> $header the four u32 of header bytes 4..19 */
    private function emit(array $header, int $at): Frame
    {
        $meta = $header[3] >> 16;
        $body = $header[4];
        $start = $at + FrameDescriptor::HEADER_SIZE;
        $frame = new Frame(
            ($header[1] >> 16) & 0xFF,
            $header[1] & 0xFFFF,
            $header[2],
            ($header[3] >> 8) & 0xFF,
            $header[3] & 0xFF,
            $meta === 0 ? '' : substr($this->buffer, $start, $meta),
            $body === 0 ? '' : substr($this->buffer, $start + $meta, $body),
        );
        $this->need = 0;
        $this->pos = $start + $meta + $body;
        if ($this->pos >= strlen($this->buffer)) {
            // Release a consumed (possibly large) buffer now rather than at the next feed.
            $this->buffer = '';
            $this->pos = 0;
        }
        return $frame;
    }

    /**
     * The last piece of a frame held in pieces arrived: builds the frame with one copy of its body
     * (header and meta are in the buffer; the body is the rest of the buffer, the pieces and the
     * head of $bytes), keeps what follows it as the new buffer. False when the meta itself is split
     * (then the caller joins everything).
     */
    private function completeFromPieces(string $bytes): bool
    {
        $header = $this->header;
        $meta = $header[3] >> 16;
        $bodyStart = $this->pos + FrameDescriptor::HEADER_SIZE + $meta;
        if (strlen($this->buffer) < $bodyStart) {
            return false;
        }
        $last = $this->need - (strlen($this->buffer) - $this->pos) - $this->pendingBytes;
        $pieces = $this->pending;
        array_unshift($pieces, substr($this->buffer, $bodyStart));
        $pieces[] = $last === strlen($bytes) ? $bytes : substr($bytes, 0, $last);
        $frame = new Frame(
            ($header[1] >> 16) & 0xFF,
            $header[1] & 0xFFFF,
            $header[2],
            ($header[3] >> 8) & 0xFF,
            $header[3] & 0xFF,
            $meta === 0 ? '' : substr($this->buffer, $this->pos + FrameDescriptor::HEADER_SIZE, $meta),
            implode('', $pieces),
        );
        $this->pending = [];
        $this->pendingBytes = 0;
        $this->need = 0;
        $this->buffer = $last === strlen($bytes) ? '' : substr($bytes, $last);
        $this->pos = 0;
        $this->ready = $frame;
        return true;
    }

    /** Marks the bytes from the current position up to $to as stray. */
    private function skip(int $to): void
    {
        if ($this->strayFrom < 0) {
            $this->strayFrom = $this->pos;
        }
        $this->strayCount += $to - $this->pos;
        $this->pos = $to;
        if ($this->strayCount > $this->maxStray) {
            $this->reportStray();
            throw $this->fail(ErrorCode::ProtocolError, sprintf(
                'stray limit exceeded: %d bytes without a valid frame header (max_stray %d); '
                . 'the peer is not speaking Parley on this stream',
                $this->strayCount,
                $this->maxStray,
            ));
        }
    }

    private function reportStray(): void
    {
        if ($this->strayFrom < 0) {
            return;
        }
        $bytes = substr($this->buffer, $this->strayFrom, $this->pos - $this->strayFrom);
        $this->strayFrom = -1;
        if ($this->onStray !== null && $bytes !== '') {
            ($this->onStray)($bytes);
        }
    }

    private function fail(ErrorCode $code, string $message): ProtocolException
    {
        return $this->error = new ProtocolException($code, $message, false, null, 'decode');
    }
}
