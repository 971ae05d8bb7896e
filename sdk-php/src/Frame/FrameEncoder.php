<?php

declare(strict_types=1);

namespace Parley\Frame;

/**
 * Builds frames (SPEC §3.1). Stateless; the caller is responsible for the §4 rules.
 */
final class FrameEncoder
{
    /** The 24-byte header for a frame with the given lengths. */
    public static function header(
        int $kind,
        int $flags,
        int $id,
        int $metaLength,
        int $codec,
        int $compression,
        int $bodyLength,
    ): string {
        $head = pack(
            FrameLayout::PACK_HEADER,
            0xFA50524C,
            FrameLayout::VERSION,
            $kind,
            $flags,
            $id,
            $metaLength,
            $codec,
            $compression,
            $bodyLength,
        );
        return $head . hash('crc32c', $head, true);
    }

    /** A complete frame: header, meta and body. */
    public static function encode(
        int $kind,
        int $flags,
        int $id,
        string $meta,
        int $codec,
        int $compression,
        string $body,
    ): string {
        $head = pack(
            FrameLayout::PACK_HEADER,
            0xFA50524C,
            FrameLayout::VERSION,
            $kind,
            $flags,
            $id,
            strlen($meta),
            $codec,
            $compression,
            strlen($body),
        );
        return $head . hash('crc32c', $head, true) . $meta . $body;
    }

    /** REQUEST meta (§4.1): timeout_ms then the method name. */
    public static function requestMeta(int $timeoutMs, string $method): string
    {
        return pack('N', $timeoutMs) . $method;
    }
}
