<?php

declare(strict_types=1);

namespace Parley\Codec;

/**
 * A value with an explicit codec (and optionally compression), for params, results, progress and
 * notifications: `Payload::raw($bytes)` sends bytes as they are.
 */
final class Payload
{
    public function __construct(
        public readonly mixed $value,
        public readonly string $codec,
        public readonly ?string $compression = null,
    ) {
    }

    public static function raw(string $bytes, ?string $compression = null): self
    {
        return new self($bytes, RawCodec::NAME, $compression);
    }

    public static function json(mixed $value, ?string $compression = null): self
    {
        return new self($value, JsonCodec::NAME, $compression);
    }

    public static function php(mixed $value, ?string $compression = null): self
    {
        return new self($value, PhpSerializeCodec::NAME, $compression);
    }
}
