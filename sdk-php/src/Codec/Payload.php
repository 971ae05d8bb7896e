<?php

declare(strict_types=1);

namespace Parley\Codec;

use function implode;
use function is_string;
use function sprintf;
use function strlen;

/**
 * A value with an explicit codec (and optionally compression), for params, results, progress and
 * notifications: `Payload::raw($bytes)` sends bytes as they are.
 *
 * Pieces: a large raw body can stay in pieces, never joined into one string.
 * `Payload::ofPieces([$a, $b, ...])` is sent piece by piece, each piece as (part of) frames (SPEC §5;
 * the wire is unchanged, no SPEC change is involved); with `SessionOptions(rawPieces: true)` a raw,
 * uncompressed body that arrived chunked is delivered to handlers, listeners and calls as such a
 * Payload of its frames' bodies, in order. `pieces()`, `size()` and `writeTo()` never join;
 * `bytes()` (and reading `value`) joins once, lazily. A payload of pieces is sent uncompressed.
 */
final class Payload
{
    /** @var list<string>|null the pieces, until joined */
    private ?array $parts = null;
    private int $length = 0;

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

    /**
     * A raw payload made of $pieces, in order, kept as they are (strings are shared, not copied).
     * Empty pieces are allowed and skipped on the wire.
     *
     * @param list<string> $pieces
     * @throws \InvalidArgumentException a piece is not a string
     */
    public static function ofPieces(array $pieces): self
    {
        $payload = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $payload->codec = RawCodec::NAME;
        $payload->compression = null;
        unset($payload->value); // joined on first read (__get)
        $length = 0;
        $parts = [];
        foreach ($pieces as $i => $piece) {
            if (!is_string($piece)) {
                throw new \InvalidArgumentException(sprintf(
                    'Payload::ofPieces(): piece %s is %s, not a string of bytes',
                    $i,
                    get_debug_type($piece),
                ));
            }
            $length += strlen($piece);
            $parts[] = $piece;
        }
        $payload->parts = $parts;
        $payload->length = $length;
        return $payload;
    }

    /** Whether the body is held as pieces (not joined yet by {@see bytes()}). */
    public function isPieces(): bool
    {
        return $this->parts !== null;
    }

    /**
     * The body as pieces, in order, without copying: a payload of pieces as received or given, a
     * raw string as one piece (none when empty).
     *
     * @return list<string>
     * @throws \LogicException the payload's value is not bytes (a JSON or php value)
     */
    public function pieces(): array
    {
        if ($this->parts !== null) {
            return $this->parts;
        }
        $bytes = $this->bytes();
        return $bytes === '' ? [] : [$bytes];
    }

    /** The body's length in bytes, without joining. */
    public function size(): int
    {
        return $this->parts !== null ? $this->length : strlen($this->bytes());
    }

    /**
     * The body as one string: a payload of pieces is joined here, once (the pieces are then dropped).
     *
     * @throws \LogicException the payload's value is not bytes (a JSON or php value)
     */
    public function bytes(): string
    {
        $value = $this->value;
        if (!is_string($value)) {
            throw new \LogicException(sprintf(
                'this %s payload holds a %s, not bytes',
                $this->codec,
                get_debug_type($value),
            ));
        }
        return $value;
    }

    /**
     * Writes the body to a stream piece by piece (nothing is joined).
     *
     * @param resource $stream
     * @return int the bytes written
     * @throws \RuntimeException the stream did not take every byte
     */
    public function writeTo($stream): int
    {
        $written = 0;
        foreach ($this->pieces() as $piece) {
            $length = strlen($piece);
            for ($offset = 0; $offset < $length;) {
                $n = @fwrite($stream, $offset === 0 ? $piece : substr($piece, $offset));
                if ($n === false || $n === 0) {
                    throw new \RuntimeException(sprintf(
                        'Payload::writeTo(): the stream took %d of %d bytes',
                        $written,
                        $this->size(),
                    ));
                }
                $offset += $n;
                $written += $n;
            }
        }
        return $written;
    }

    /** The joined value of a payload of pieces, on first read of `value`. */
    public function __get(string $name): mixed
    {
        if ($name !== 'value' || $this->parts === null) {
            throw new \Error(sprintf('undefined property %s::$%s', self::class, $name));
        }
        $this->value = implode('', $this->parts);
        $this->parts = null;
        return $this->value;
    }
}
