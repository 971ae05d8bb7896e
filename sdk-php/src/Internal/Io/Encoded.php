<?php

declare(strict_types=1);

namespace Parley\Internal\Io;

/**
 * An encoded body with the codec and compression bytes that go with it in the header (SPEC §10).
 * Made by {@see \Parley\Internal\Call\Bodies}, written by {@see FrameWriter}; an empty body has
 * codec 0 and compression 0 (§3.3). A body sent as pieces ({@see \Parley\Codec\Payload::ofPieces()})
 * has $pieces (uncompressed, in order, $plainLength bytes in all) and an empty $bytes: the writer
 * cuts frames from each piece without joining them.
 *
 * @internal
 */
final readonly class Encoded
{
    public function __construct(
        public int $codec,
        public int $compression,
        public string $bytes,
        public int $plainLength = 0,
        /** @var list<string>|null */
        public ?array $pieces = null,
    ) {
    }

    /**
     * The length that counts against the receiver's max_message (SPEC §3.2): the larger of the body
     * as sent and, when compressed, the encoded body before compression.
     */
    public function size(): int
    {
        return max($this->plainLength, strlen($this->bytes));
    }
}
