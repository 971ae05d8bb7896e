<?php

declare(strict_types=1);

namespace Parley\Frame;

/**
 * Layout of a Parley frame (SPEC §3.1): offsets, lengths, header field values and limits, nothing
 * else. Kinds are in {@see FrameKind}, flags in {@see FrameFlags}.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     magic = 0xFA50524C                        |  0
 * +---------------+---------------+-------------------------------+
 * |  version = 1  |     kind      |             flags             |  4
 * +---------------+---------------+-------------------------------+
 * |                              id                               |  8
 * +-------------------------------+---------------+---------------+
 * |           meta_len            |     codec     |  compression  | 12
 * +-------------------------------+---------------+---------------+
 * |                           body_len                            | 16
 * +---------------------------------------------------------------+
 * |              header_crc = CRC32C(bytes 0..19)                 | 20
 * +---------------------------------------------------------------+
 * |                meta (meta_len bytes)  ...                     | 24
 * +---------------------------------------------------------------+
 * |                body (body_len bytes)  ...                     |
 * +---------------------------------------------------------------+
 * ```
 *
 * All integers are unsigned big-endian. The payload length is `meta_len + body_len`; a receiver
 * checks it against its `max_frame` before it buffers anything for it (§3.2).
 *
 * PHP builds and reads bytes 0..19 as five u32 words (one pack()/unpack() call is the cheapest
 * way PHP has): {@see PACK_WORDS} and {@see UNPACK_WORDS} are that view of the diagram above.
 * REQUEST meta (§4.1): `timeout_ms` (u32) then the method (1..255 bytes UTF-8).
 */
final class FrameDescriptor
{
    public const MAGIC = "\xFA\x50\x52\x4C";
    public const VERSION = 1;
    public const HEADER_SIZE = 24;

    public const MAGIC_OFFSET = 0;
    public const VERSION_OFFSET = 4;
    public const KIND_OFFSET = 5;
    public const FLAGS_OFFSET = 6;
    public const ID_OFFSET = 8;
    public const META_LENGTH_OFFSET = 12;
    public const CODEC_OFFSET = 14;
    public const COMPRESSION_OFFSET = 15;
    public const BODY_LENGTH_OFFSET = 16;
    public const HEADER_CRC_OFFSET = 20;
    /** Bytes covered by the header checksum (0..19). */
    public const CRC_COVERED = 20;

    /**
     * pack() format of header bytes 0..19 as five u32 words: magic, version << 24 | kind << 16 |
     * flags, id, meta_len << 16 | codec << 8 | compression, body_len.
     */
    public const PACK_WORDS = 'N5';
    public const MAGIC_WORD = 0xFA50524C;
    public const VERSION_WORD = self::VERSION << 24;
    /**
     * unpack() format of header bytes 4..19, read at offset + 4, as four u32 words:
     * version << 24 | kind << 16 | flags, id, meta_len << 16 | codec << 8 | compression, body_len.
     */
    public const UNPACK_WORDS = 'N4';

    /** Values of the codec byte (§10.1). */
    public const CODEC_RAW = 0;
    public const CODEC_JSON = 1;
    public const CODEC_KRYO = 2;
    public const CODEC_PHP = 3;

    /** Values of the compression byte (§10.2). */
    public const COMPRESSION_NONE = 0;
    public const COMPRESSION_DEFLATE = 1;
    public const COMPRESSION_ZSTD = 2;

    /** §3.2 limits. */
    public const DEFAULT_MAX_FRAME = 1_048_576;
    public const MIN_MAX_FRAME = 16_384;
    public const MAX_MAX_FRAME = 16_777_216;
    public const HANDSHAKE_MAX_FRAME = 65_536;
    public const DEFAULT_MAX_MESSAGE = 134_217_728;
    public const DEFAULT_MAX_IN_FLIGHT = 1024;
    public const DEFAULT_MAX_STRAY = 1_048_576;
    public const MAX_ID = 0xFFFFFFFF;
    /** §4: PING and PONG bodies. */
    public const MAX_PING_BODY = 64;
    /** §4.1 and §4.2: method names. */
    public const MAX_METHOD_LENGTH = 255;
    /** §4.1: REQUEST meta = timeout_ms (u32) + method. */
    public const REQUEST_META_TIMEOUT_SIZE = 4;
    /** §3.6: reports carry at least this many of the skipped bytes. */
    public const STRAY_REPORT_BYTES = 256;

    private function __construct()
    {
    }
}
