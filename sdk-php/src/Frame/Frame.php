<?php

declare(strict_types=1);

namespace Parley\Frame;

/**
 * One frame (SPEC §3.1), or one reassembled message (§5): a message is a Frame whose flags have no
 * MORE/CONTINUATION bits and whose body is the concatenated bodies of its frames.
 */
final class Frame
{
    public function __construct(
        public readonly int $kind,
        public readonly int $flags,
        public readonly int $id,
        public readonly int $codec,
        public readonly int $compression,
        public readonly string $meta,
        public readonly string $body,
    ) {
    }

    public function hasFlag(int $flag): bool
    {
        return ($this->flags & $flag) !== 0;
    }

    /** The full frame on the wire, header included. */
    public function encode(): string
    {
        return FrameEncoder::encode(
            $this->kind,
            $this->flags,
            $this->id,
            $this->meta,
            $this->codec,
            $this->compression,
            $this->body,
        );
    }

    public function __toString(): string
    {
        return sprintf(
            '%s id=%d flags=0x%04X codec=%d compression=%d meta=%d B body=%d B',
            FrameKind::describe($this->kind),
            $this->id,
            $this->flags,
            $this->codec,
            $this->compression,
            strlen($this->meta),
            strlen($this->body),
        );
    }
}
