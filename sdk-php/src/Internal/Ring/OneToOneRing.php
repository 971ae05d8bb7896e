<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;

use function sprintf;

/**
 * One direction of the ring (SPEC §9.4): Agrona's `OneToOneRingBuffer` (org.agrona 2.6.0)
 * protocol, byte for byte, over a region of a {@see Mapping}.
 *
 * The region is `capacity` data bytes followed by a 768-byte trailer (tail at +128, head cache at
 * +256, head at +384, each two cache lines apart). A record is `i32 length | i32 type | payload`,
 * 8-aligned; the producer claims space by advancing tail first, stores -length, the payload and
 * the type, then +length (the commit); the consumer reads while the length at head is positive and
 * releases head after. A record that would straddle the end is preceded by a padding record
 * (type -1) up to the end. The producer zeroes the header after each record it writes, so the
 * consumer stops there.
 *
 * The consumer validates everything it reads before it copies a byte: a corrupt ring is a
 * PROTOCOL_ERROR, never a read outside the region or an endless loop.
 */
final class OneToOneRing
{
    public const HEADER_LENGTH = 8;
    public const ALIGNMENT = 8;
    public const PADDING_TYPE = -1;
    public const TYPE_DATA = 1;
    public const TYPE_CLOSE = 2;
    public const TAIL_POSITION_OFFSET = 128;
    public const HEAD_CACHE_POSITION_OFFSET = 256;
    public const HEAD_POSITION_OFFSET = 384;
    public const CORRELATION_COUNTER_OFFSET = 512;
    public const CONSUMER_HEARTBEAT_OFFSET = 640;
    public const TRAILER_LENGTH = 768;

    private readonly int $mask;
    private readonly int $maxMsgLength;
    private readonly int $tailIndex;
    private readonly int $headCacheIndex;
    private readonly int $headIndex;

    /**
     * @param int $offset where the region starts in the mapping (8-aligned)
     * @param int $capacity data bytes, a power of two
     */
    public function __construct(
        private readonly Mapping $map,
        private readonly int $offset,
        private readonly int $capacity,
    ) {
        if ($capacity < 2 * self::HEADER_LENGTH || ($capacity & ($capacity - 1)) !== 0) {
            throw new \InvalidArgumentException(sprintf('ring capacity %d is not a power of two >= 16', $capacity));
        }
        if ($offset % 8 !== 0 || $offset + $capacity + self::TRAILER_LENGTH > $map->size) {
            throw new \InvalidArgumentException(sprintf('ring region at %d does not fit the mapping', $offset));
        }
        $this->mask = $capacity - 1;
        $this->maxMsgLength = max(self::HEADER_LENGTH, $capacity >> 3);
        $this->tailIndex = ($offset + $capacity + self::TAIL_POSITION_OFFSET) >> 3;
        $this->headCacheIndex = ($offset + $capacity + self::HEAD_CACHE_POSITION_OFFSET) >> 3;
        $this->headIndex = ($offset + $capacity + self::HEAD_POSITION_OFFSET) >> 3;
    }

    public function capacity(): int
    {
        return $this->capacity;
    }

    /** The largest payload of one record (Agrona: capacity / 8). */
    public function maxMsgLength(): int
    {
        return $this->maxMsgLength;
    }

    public function tail(): int
    {
        return $this->map->i64[$this->tailIndex];
    }

    public function head(): int
    {
        return $this->map->i64[$this->headIndex];
    }

    // ------------------------------------------------------------------ producer

    /**
     * Writes one record of $length bytes of $data from $from; false when the ring has no room now.
     */
    public function offer(int $type, string $data, int $from, int $length): bool
    {
        if ($length < 0 || $length > $this->maxMsgLength) {
            throw new \InvalidArgumentException(sprintf(
                'record payload %d exceeds the ring maximum %d',
                $length,
                $this->maxMsgLength,
            ));
        }
        $recordLength = $length + self::HEADER_LENGTH;
        $recordIndex = $this->claim($recordLength);
        if ($recordIndex < 0) {
            return false;
        }
        $at = $this->offset + $recordIndex;
        $this->map->i32[$at >> 2] = -$recordLength;
        $this->map->write($at + self::HEADER_LENGTH, $data, $from, $length);
        $this->map->i32[($at >> 2) + 1] = $type;
        $this->map->i32[$at >> 2] = $recordLength;
        return true;
    }

    /** Agrona's claimCapacity(): the record's index, or -2 when there is no room. */
    private function claim(int $recordLength): int
    {
        $i64 = $this->map->i64;
        $aligned = ($recordLength + 7) & ~7;
        $required = $aligned + self::HEADER_LENGTH;
        $capacity = $this->capacity;
        $head = $i64[$this->headCacheIndex];
        $tail = $i64[$this->tailIndex];
        if ($required > $capacity - ($tail - $head)) {
            $head = $i64[$this->headIndex];
            if ($required > $capacity - ($tail - $head)) {
                return -2;
            }
            $i64[$this->headCacheIndex] = $head;
        }
        $padding = 0;
        $recordIndex = $tail & $this->mask;
        $toEnd = $capacity - $recordIndex;
        $writeIndex = $recordIndex;
        $nextTail = $tail + $aligned;
        $base = $this->offset >> 3;
        if ($aligned === $toEnd) {
            $i64[$this->tailIndex] = $nextTail;
            $i64[$base] = 0;
            return $recordIndex;
        }
        if ($required > $toEnd) {
            $writeIndex = 0;
            $headIndex = $head & $this->mask;
            if ($required > $headIndex) {
                $head = $i64[$this->headIndex];
                $headIndex = $head & $this->mask;
                if ($required > $headIndex) {
                    $writeIndex = -2;
                    $nextTail = $tail;
                }
                $i64[$this->headCacheIndex] = $head;
            }
            $padding = $toEnd;
            $nextTail += $padding;
        }
        $i64[$this->tailIndex] = $nextTail;
        if ($padding !== 0) {
            $i32 = $this->map->i32;
            $at = ($this->offset + $recordIndex) >> 2;
            $i64[$base] = 0;
            $i32[$at] = -$padding;
            $i32[$at + 1] = self::PADDING_TYPE;
            $i32[$at] = $padding;
        }
        if ($writeIndex >= 0) {
            $i64[$base + (($writeIndex + $aligned) >> 3)] = 0;
        }
        return $writeIndex;
    }

    // ------------------------------------------------------------------ consumer

    /** Whether a committed record waits at head (cheap: one load; no validation). */
    public function hasRecord(): bool
    {
        $head = $this->map->i64[$this->headIndex];
        return $this->map->i32[($this->offset + ($head & $this->mask)) >> 2] > 0;
    }

    /**
     * Reads committed records from head up to the end of the contiguous block or until $budget
     * payload bytes were read, releases head, and returns the DATA payloads concatenated.
     * $closed becomes true when a CLOSE record was read (nothing after it is read).
     *
     * @throws ProtocolException when the ring is corrupt
     */
    public function poll(int $budget, bool &$closed = false): string
    {
        $i64 = $this->map->i64;
        $i32 = $this->map->i32;
        $capacity = $this->capacity;
        $head = $i64[$this->headIndex];
        $tail = $i64[$this->tailIndex];
        if ($head < 0 || ($head & 7) !== 0 || $tail < $head || $tail - $head > $capacity) {
            throw $this->corrupt(sprintf('head %d and tail %d are inconsistent', $head, $tail));
        }
        $headIndex = $head & $this->mask;
        $contiguous = $capacity - $headIndex;
        $bytesRead = 0;
        $out = '';
        try {
            while ($bytesRead < $contiguous && strlen($out) < $budget) {
                $recordIndex = $headIndex + $bytesRead;
                $at = $this->offset + $recordIndex;
                $length = $i32[$at >> 2];
                if ($length <= 0) {
                    break;
                }
                $aligned = ($length + 7) & ~7;
                if ($length < self::HEADER_LENGTH || $aligned > $contiguous - $bytesRead) {
                    throw $this->corrupt(sprintf('record length %d at index %d', $length, $recordIndex));
                }
                if ($head + $bytesRead + $aligned > $tail) {
                    // the tail read above may predate this record: the producer moves tail before
                    // it commits a record, so a committed record is only beyond a fresh tail if corrupt
                    $tail = $i64[$this->tailIndex];
                }
                if ($head + $bytesRead + $aligned > $tail) {
                    throw $this->corrupt(sprintf('record at index %d ends beyond tail %d', $recordIndex, $tail));
                }
                $type = $i32[($at >> 2) + 1];
                if ($type === self::PADDING_TYPE) {
                    if ($recordIndex + $length !== $capacity) {
                        throw $this->corrupt(sprintf('padding at index %d does not end at the capacity', $recordIndex));
                    }
                    $bytesRead += $aligned;
                    continue;
                }
                $payload = $length - self::HEADER_LENGTH;
                if ($payload > $this->maxMsgLength) {
                    throw $this->corrupt(sprintf('record payload %d exceeds %d', $payload, $this->maxMsgLength));
                }
                if ($type === self::TYPE_DATA) {
                    $out .= $this->map->read($at + self::HEADER_LENGTH, $payload);
                    $bytesRead += $aligned;
                    continue;
                }
                if ($type === self::TYPE_CLOSE) {
                    if ($payload !== 0) {
                        throw $this->corrupt(sprintf('CLOSE record with a payload of %d bytes', $payload));
                    }
                    $bytesRead += $aligned;
                    $closed = true;
                    break;
                }
                throw $this->corrupt(sprintf('unknown record type %d at index %d', $type, $recordIndex));
            }
        } finally {
            if ($bytesRead > 0) {
                $i64[$this->headIndex] = $head + $bytesRead;
            }
        }
        return $out;
    }

    private function corrupt(string $what): ProtocolException
    {
        return new ProtocolException(
            ErrorCode::ProtocolError,
            sprintf('the shared-memory ring is corrupt (%s); the session cannot continue (SPEC §9.4)', $what),
        );
    }
}
