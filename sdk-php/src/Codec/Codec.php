<?php

declare(strict_types=1);

namespace Parley\Codec;

/**
 * A body encoding of SPEC §10.1. Codecs are stateless and shared by sessions.
 */
interface Codec
{
    /** The id on the wire (frame byte 14). */
    public function id(): int;

    /** The name listed in HELLO. */
    public function name(): string;

    /**
     * @throws \InvalidArgumentException when the value cannot be represented in this codec
     */
    public function encode(mixed $value): string;

    /**
     * @throws CodecException PARSE_ERROR: the bytes are not valid in this codec
     */
    public function decode(string $bytes): mixed;
}
