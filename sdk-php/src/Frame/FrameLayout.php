<?php

declare(strict_types=1);

namespace Parley\Frame;

/**
 * The wire layout of SPEC §3, in one place. Every other class reads offsets, sizes, flags and kinds
 * from here.
 *
 * Header (24 bytes, big-endian): magic u32 | version u8 | kind u8 | flags u16 | id u32 |
 * meta_len u16 | codec u8 | compression u8 | body_len u32 | header_crc u32 = CRC32C(bytes 0..19).
 */
final class FrameLayout
{
    public const MAGIC = "\xFA\x50\x52\x4C";
    public const HEADER_SIZE = 24;
    /** Bytes covered by the header checksum. */
    public const CRC_COVERED = 20;
    public const VERSION = 1;

    /**
     * pack() format of header bytes 0..19 (everything but the checksum) as five u32 words:
     * magic, version << 24 | kind << 16 | flags, id, meta_len << 16 | codec << 8 | compression,
     * body_len.
     */
    public const PACK_WORDS = 'N5';
    public const MAGIC_WORD = 0xFA50524C;
    public const VERSION_WORD = self::VERSION << 24;
    /**
     * unpack() format of header bytes 4..19, read at offset + 4, as four u32 words:
     * version << 24 | kind << 16 | flags, id, meta_len << 16 | codec << 8 | compression, body_len.
     */
    public const UNPACK_WORDS = 'N4';

    public const KIND_HELLO = 0x01;
    public const KIND_REQUEST = 0x02;
    public const KIND_RESPONSE = 0x03;
    public const KIND_ERROR = 0x04;
    public const KIND_NOTIFICATION = 0x05;
    public const KIND_PROGRESS = 0x06;
    public const KIND_CANCEL = 0x07;
    public const KIND_PING = 0x08;
    public const KIND_PONG = 0x09;
    public const KIND_GOODBYE = 0x0A;

    public const FLAG_MORE = 0x0001;
    public const FLAG_CONTINUATION = 0x0002;
    public const FLAG_WANT_PROGRESS = 0x0004;
    public const FLAGS_CHUNK = self::FLAG_MORE | self::FLAG_CONTINUATION;

    public const CODEC_RAW = 0;
    public const CODEC_JSON = 1;
    public const CODEC_KRYO = 2;
    public const CODEC_PHP = 3;

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
}
