<?php

declare(strict_types=1);

namespace Parley\Frame;

use function sprintf;
use function strlen;

/**
 * One complete message (SPEC §5): what the session dispatches. A chunked message is reassembled by
 * {@see MessageAssembler} into a new Message whose body is the concatenated bodies of its frames
 * and whose flags have no MORE/CONTINUATION bits.
 *
 * A single-frame message is its {@see Frame} itself (Frame extends Message): no copy is made for
 * the common case. This is why the class is not final; nothing else extends it.
 *
 * Read-only by contract. The properties are deliberately untyped and not `readonly`: one is created
 * for every frame on the wire, and PHP's typed/readonly property checks make that construction
 * about twice as expensive (measured: ~2200 vs ~1100 instructions), a visible share of a small
 * call's cost.
 */
class Message
{
    /**
     * @param int $kind SPEC §4 (see {@see FrameKind})
     * @param int $flags §3.3 ({@see FrameFlags}), all 16 bits as received
     * @param int $id request id, ping id or 0
     * @param int $codec §10.1
     * @param int $compression §10.2
     * @param string $meta kind-specific meta section
     * @param string $body the body bytes
     */
    public function __construct(
        public $kind,
        public $flags,
        public $id,
        public $codec,
        public $compression,
        public $meta,
        public $body,
    ) {
    }

    public function hasFlag(int $flag): bool
    {
        return ($this->flags & $flag) !== 0;
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
