<?php

declare(strict_types=1);

namespace Parley\Frame;

/**
 * One frame as it was on the wire (SPEC §3.1), decoded by {@see FrameDecoder}. An unchunked frame
 * is also a complete {@see Message}; frames with MORE or CONTINUATION are parts of one, joined by
 * {@see MessageAssembler}.
 *
 * Same property rules as {@see Message} (untyped, read-only by contract, for speed).
 */
final class Frame extends Message
{
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
}
