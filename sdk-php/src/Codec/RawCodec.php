<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Frame\FrameDescriptor;

use function is_string;
use function sprintf;

/**
 * Opaque bytes, codec 0: a PHP string in, the same string out.
 */
final class RawCodec implements Codec
{
    public const NAME = 'raw';

    public function id(): int
    {
        return FrameDescriptor::CODEC_RAW;
    }

    public function name(): string
    {
        return self::NAME;
    }

    public function encode(mixed $value): string
    {
        if (!is_string($value)) {
            throw new \InvalidArgumentException(sprintf(
                'the raw codec carries strings (bytes), got %s; use the json codec for structured values',
                get_debug_type($value),
            ));
        }
        return $value;
    }

    public function decode(string $bytes): string
    {
        return $bytes;
    }
}
