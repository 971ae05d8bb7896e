<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Frame\FrameDescriptor;

use function sprintf;
use function strlen;

/**
 * deflate (1): a zlib stream, RFC 1950 (gzcompress format), always available.
 *
 * Decompression feeds zlib input slices no larger than the remaining output budget divided by
 * deflate's maximum ratio (1032:1), so the output can never overshoot max_message.
 */
final class DeflateCompression implements Compression
{
    public const NAME = 'deflate';
    private const MAX_RATIO = 1032;

    public function __construct(private readonly int $level = 6)
    {
    }

    public function id(): int
    {
        return FrameDescriptor::COMPRESSION_DEFLATE;
    }

    public function name(): string
    {
        return self::NAME;
    }

    public function compress(string $data): string
    {
        $out = gzcompress($data, $this->level, ZLIB_ENCODING_DEFLATE);
        if ($out === false) {
            throw new \RuntimeException('zlib failed to compress');
        }
        return $out;
    }

    public function decompress(string $data, int $maxLength): string
    {
        $context = inflate_init(ZLIB_ENCODING_DEFLATE);
        if ($context === false) {
            throw new \RuntimeException('zlib failed to initialise');
        }
        $parts = [];
        $produced = 0;
        $offset = 0;
        $length = strlen($data);
        $problem = null;
        set_error_handler(static function (int $type, string $message) use (&$problem): bool {
            $problem = $message;
            return true;
        });
        try {
            while ($offset < $length) {
                $slice = max(64, intdiv($maxLength - $produced, self::MAX_RATIO));
                $out = inflate_add($context, substr($data, $offset, $slice), ZLIB_SYNC_FLUSH);
                if ($out === false) {
                    throw new CodecException('corrupt deflate body' . ($problem !== null ? ": $problem" : ''));
                }
                $offset += $slice;
                $produced += strlen($out);
                if ($produced > $maxLength) {
                    throw new ProtocolException(ErrorCode::MessageTooLarge, sprintf(
                        'deflate body inflates beyond max_message (%d bytes)',
                        $maxLength,
                    ));
                }
                if ($out !== '') {
                    $parts[] = $out;
                }
                if (inflate_get_status($context) === ZLIB_STREAM_END) {
                    break;
                }
            }
            if (inflate_get_status($context) !== ZLIB_STREAM_END) {
                throw new CodecException('truncated deflate body: the zlib stream does not end');
            }
        } finally {
            restore_error_handler();
        }
        return implode('', $parts);
    }
}
