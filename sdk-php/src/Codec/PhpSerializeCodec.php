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
        if ($this->allowedClasses !== true && (is_object($value) || is_array($value))) {
            $missing = self::incompleteClass($value, 0);
            if ($missing !== null) {
                throw new CodecException(sprintf(
                    'the php codec received an object of class %s, which is not in allowedClasses: add it to '
                    . 'SessionOptions(allowedClasses: [...]) on this side (the decoding side) to receive it',
                    $missing,
                ));
            }
        }
        return $value;
    }

    /** The class name of the first __PHP_Incomplete_Class in $value, or null. */
    private static function incompleteClass(mixed $value, int $depth): ?string
    {
        if ($value instanceof \__PHP_Incomplete_Class) {
            $name = ((array) $value)['__PHP_Incomplete_Class_Name'] ?? null;
            return is_string($name) ? $name : '(unknown)';
        }
        if ($depth > 64 || (!is_array($value) && !is_object($value))) {
            return null;
        }
        foreach ((array) $value as $item) {
            if (is_array($item) || is_object($item)) {
                $found = self::incompleteClass($item, $depth + 1);
                if ($found !== null) {
                    return $found;
                }
            }
        }
        return null;
    }
}
