<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Frame\FrameDescriptor;

/**
 * PHP serialize(), codec 3, between PHP peers only. Decoding instantiates only the classes in
 * $allowedClasses (default: none, objects become __PHP_Incomplete_Class), SPEC §10.1 and §13.
 */
final class PhpSerializeCodec implements Codec
{
    public const NAME = 'php';

    /**
     * @param list<class-string>|bool $allowedClasses the `allowed_classes` option of unserialize()
     */
    public function __construct(
        private readonly array|bool $allowedClasses = false,
        private readonly int $maxDepth = 512,
    ) {
    }

    public function id(): int
    {
        return FrameDescriptor::CODEC_PHP;
    }

    public function name(): string
    {
        return self::NAME;
    }

    public function encode(mixed $value): string
    {
        try {
            return serialize($value);
        } catch (\Throwable $e) {
            throw new \InvalidArgumentException('value cannot be serialized: ' . $e->getMessage(), 0, $e);
        }
    }

    public function decode(string $bytes): mixed
    {
        if ($bytes === 'b:0;') {
            return false;
        }
        $problem = null;
        set_error_handler(static function (int $type, string $message) use (&$problem): bool {
            $problem = $message;
            return true;
        });
        try {
            $value = unserialize($bytes, ['allowed_classes' => $this->allowedClasses, 'max_depth' => $this->maxDepth]);
        } catch (\Throwable $e) {
            throw new CodecException('body is not valid PHP serialize() output: ' . $e->getMessage(), $e);
        } finally {
            restore_error_handler();
        }
        if ($value === false || $problem !== null) {
            throw new CodecException('body is not valid PHP serialize() output' . ($problem ? ": $problem" : ''));
        }
        return $value;
    }
}
