<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Frame\FrameDescriptor;

/**
 * JSON (RFC 8259), codec 1, required of every peer.
 *
 * Floats keep their fraction (1.0 stays 1.0, JSON_PRESERVE_ZERO_FRACTION). JSON objects decode to
 * associative arrays by default; with $objectsAsArrays = false they decode to stdClass, which keeps
 * `{}` and `[]` apart in a round trip. SPEC 1.1 §10.1 ({@see StrictJson}): values with no JSON form
 * are refused when encoding, numbers no peer can keep exactly when decoding (PARSE_ERROR).
 */
final class JsonCodec implements Codec
{
    public const NAME = 'json';
    public const ENCODE_FLAGS = JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION
        | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;

    public function __construct(
        private readonly bool $objectsAsArrays = true,
        private readonly int $maxDepth = 512,
    ) {
    }

    public function id(): int
    {
        return FrameDescriptor::CODEC_JSON;
    }

    public function name(): string
    {
        return self::NAME;
    }

    public function encode(mixed $value): string
    {
        try {
            $json = json_encode($value, self::ENCODE_FLAGS, $this->maxDepth);
        } catch (\JsonException $e) {
            throw new \InvalidArgumentException('value cannot be encoded as JSON: ' . $e->getMessage(), 0, $e);
        }
        StrictJson::checkSent($value, $json);
        return $json;
    }

    public function decode(string $bytes): mixed
    {
        try {
            $value = json_decode($bytes, $this->objectsAsArrays, $this->maxDepth, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new CodecException('body is not valid JSON: ' . $e->getMessage(), $e);
        }
        StrictJson::checkDecoded($bytes, $value);
        return $value;
    }
}
