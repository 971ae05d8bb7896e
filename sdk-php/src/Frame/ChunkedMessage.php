<?php

declare(strict_types=1);

namespace Parley\Frame;

use function count;
use function implode;
use function sprintf;

/**
 * A chunked message in the raw codec, uncompressed (SPEC §5, §10.1), reassembled by
 * {@see MessageAssembler} without joining: $pieces are its frames' bodies, in order, as received.
 * Its `body` is joined only when something reads it (once; the pieces are then that one string),
 * so a session that hands the pieces on ({@see \Parley\Codec\Payload::ofPieces()}) never joins.
 * The body is never empty (an empty chunked message is an ordinary {@see Message}).
 */
final class ChunkedMessage extends Message
{
    /**
     * @param list<string> $pieces non-empty strings
     * @param int $size their total length
     */
    public function __construct(
        int $kind,
        int $flags,
        int $id,
        int $codec,
        int $compression,
        string $meta,
        public array $pieces,
        public int $size,
    ) {
        parent::__construct($kind, $flags, $id, $codec, $compression, $meta, '');
        unset($this->body); // joined on first read (__get)
    }

    /** Whether the body is still held as pieces (nothing has read `body`). */
    public function isPieces(): bool
    {
        return !isset($this->body);
    }

    public function __get(string $name): mixed
    {
        if ($name !== 'body') {
            throw new \Error(sprintf('undefined property %s::$%s', self::class, $name));
        }
        $this->body = implode('', $this->pieces);
        $this->pieces = [$this->body];
        return $this->body;
    }

    public function __toString(): string
    {
        return sprintf(
            '%s id=%d flags=0x%04X codec=%d compression=%d body=%d B in %d pieces',
            FrameKind::describe($this->kind),
            $this->id,
            $this->flags,
            $this->codec,
            $this->compression,
            $this->size,
            count($this->pieces),
        );
    }
}
