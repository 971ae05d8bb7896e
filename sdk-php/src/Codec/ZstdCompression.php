<?php

declare(strict_types=1);

namespace Parley\Codec;

use FFI;
use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Frame\FrameDescriptor;

use function ord;
use function sprintf;
use function strlen;
use function substr;

/**
 * zstd (2): one Zstandard frame, through FFI to the system's libzstd. Offered only when FFI is
 * enabled and the library loads ({@see available()}).
 *
 * Decompression is bounded by max_message (SPEC §10.2, §13): a declared content size above it, or
 * a window above it when no size is declared, is refused before the decoder allocates anything,
 * and output is taken in slices that stop as soon as max_message is passed.
 */
final class ZstdCompression implements Compression
{
    public const NAME = 'zstd';
    private const OUTPUT_SLICE = 131072;
    private const HEADER = <<<'C'
        typedef struct ZSTD_DCtx_s ZSTD_DCtx;
        typedef struct { const void* src; size_t size; size_t pos; } ZSTD_inBuffer;
        typedef struct { void* dst; size_t size; size_t pos; } ZSTD_outBuffer;
        size_t ZSTD_compress(void* dst, size_t dstCapacity, const void* src, size_t srcSize, int level);
        size_t ZSTD_compressBound(size_t srcSize);
        unsigned ZSTD_isError(size_t code);
        const char* ZSTD_getErrorName(size_t code);
        ZSTD_DCtx* ZSTD_createDCtx(void);
        size_t ZSTD_freeDCtx(ZSTD_DCtx* dctx);
        size_t ZSTD_decompressStream(ZSTD_DCtx* dctx, ZSTD_outBuffer* output, ZSTD_inBuffer* input);
        size_t ZSTD_DCtx_setParameter(ZSTD_DCtx* dctx, int param, int value);
        C;
    /** ZSTD_d_windowLogMax */
    private const WINDOW_LOG_MAX = 100;
    /** zstd's smallest window (1 KiB) */
    private const MIN_WINDOW = 1024;

    private static ?FFI $ffi = null;
    private static ?string $unavailable = null;

    private function __construct(private readonly FFI $lib, private readonly int $level)
    {
    }

    /** The codec, or null when zstd cannot be used here ({@see whyUnavailable()}). */
    public static function available(int $level = 3): ?self
    {
        $ffi = self::load();
        return $ffi === null ? null : new self($ffi, $level);
    }

    public static function whyUnavailable(): ?string
    {
        self::load();
        return self::$unavailable;
    }

    private static function load(): ?FFI
    {
        if (self::$ffi !== null || self::$unavailable !== null) {
            return self::$ffi;
        }
        if (!extension_loaded('ffi')) {
            self::$unavailable = 'the FFI extension is not loaded';
            return null;
        }
        $setting = strtolower((string) ini_get('ffi.enable'));
        if ($setting === '0' || $setting === 'false' || $setting === 'off' || $setting === '') {
            self::$unavailable = 'FFI is disabled (ffi.enable)';
            return null;
        }
        if ($setting === 'preload' && PHP_SAPI !== 'cli') {
            self::$unavailable = 'FFI is limited to preloading outside the CLI (ffi.enable=preload)';
            return null;
        }
        foreach (['libzstd.so.1', 'libzstd.so', 'libzstd.dylib', 'libzstd.1.dylib'] as $library) {
            try {
                return self::$ffi = FFI::cdef(self::HEADER, $library);
            } catch (\Throwable) {
                continue;
            }
        }
        self::$unavailable = 'libzstd could not be loaded (libzstd.so.1)';
        return null;
    }

    public function id(): int
    {
        return FrameDescriptor::COMPRESSION_ZSTD;
    }

    public function name(): string
    {
        return self::NAME;
    }

    public function compress(string $data): string
    {
        $lib = $this->lib;
        $length = strlen($data);
        $capacity = $lib->ZSTD_compressBound($length);
        $out = $lib->new("char[$capacity]");
        $written = $lib->ZSTD_compress($out, $capacity, $data, $length, $this->level);
        if ($lib->ZSTD_isError($written)) {
            throw new \RuntimeException('zstd failed to compress: ' . $lib->ZSTD_getErrorName($written));
        }
        return FFI::string($out, $written);
    }

    public function decompress(string $data, int $maxLength): string
    {
        $lib = $this->lib;
        $length = strlen($data);
        if ($length === 0) {
            throw new CodecException('empty zstd body');
        }
        $declared = self::declaredContentSize($data);
        if ($declared !== null && $declared > $maxLength) {
            // SPEC 1.1 §7.2: the declaration counts, whatever data follows it
            throw new ProtocolException(ErrorCode::MessageTooLarge, sprintf(
                'zstd body declares %s bytes of content, more than max_message (%d bytes)',
                $declared === PHP_INT_MAX ? 'over 2^63' : (string) $declared,
                $maxLength,
            ));
        }
        $window = $declared === null ? self::windowSize($data) : null;
        if ($window !== null && $window > max($maxLength, self::MIN_WINDOW)) {
            // Without a declared size the decoder allocates the whole window the header asks for.
            throw new ProtocolException(ErrorCode::MessageTooLarge, sprintf(
                'zstd body declares no content size and a %d-byte window, more than max_message (%d bytes); '
                . 'compress with the size known',
                $window,
                $maxLength,
            ));
        }
        $source = $lib->new("char[$length]", false);
        FFI::memcpy($source, $data, $length);
        $context = $lib->ZSTD_createDCtx();
        if ($declared === null) {
            $lib->ZSTD_DCtx_setParameter($context, self::WINDOW_LOG_MAX, self::windowLogFor($maxLength));
        }
        $input = $lib->new('ZSTD_inBuffer');
        $output = $lib->new('ZSTD_outBuffer');
        $slice = $lib->new('char[' . self::OUTPUT_SLICE . ']', false);
        $input->src = $source;
        $input->size = $length;
        $input->pos = 0;
        $parts = [];
        $produced = 0;
        try {
            while (true) {
                $output->dst = $slice;
                $output->size = self::OUTPUT_SLICE;
                $output->pos = 0;
                $result = $lib->ZSTD_decompressStream($context, FFI::addr($output), FFI::addr($input));
                if ($lib->ZSTD_isError($result)) {
                    throw new CodecException('corrupt zstd body: ' . $lib->ZSTD_getErrorName($result));
                }
                if ($output->pos > 0) {
                    $produced += $output->pos;
                    if ($produced > $maxLength) {
                        throw new ProtocolException(ErrorCode::MessageTooLarge, sprintf(
                            'zstd body decompresses beyond max_message (%d bytes)',
                            $maxLength,
                        ));
                    }
                    $parts[] = FFI::string($slice, $output->pos);
                }
                if ($result === 0) {
                    if ($input->pos < $input->size) {
                        throw new CodecException('zstd body holds data after its frame; one frame is expected');
                    }
                    break;
                }
                if ($input->pos >= $input->size && $output->pos < self::OUTPUT_SLICE) {
                    throw new CodecException('truncated zstd body: the frame does not end');
                }
            }
        } finally {
            $lib->ZSTD_freeDCtx($context);
            FFI::free($source);
            FFI::free($slice);
        }
        return implode('', $parts);
    }

    /** The smallest window log (10..27) whose window holds $maxLength bytes. */
    public static function windowLogFor(int $maxLength): int
    {
        $log = 10;
        while ($log < 27 && (1 << $log) < $maxLength) {
            $log++;
        }
        return $log;
    }

    /**
     * The Window_Size a zstd frame header asks for (RFC 8878 §3.1.1.1.2); null when the header is
     * incomplete or single-segment (the window is then the declared content size).
     */
    public static function windowSize(string $data): ?int
    {
        if (strlen($data) < 6 || substr($data, 0, 4) !== "\x28\xB5\x2F\xFD" || (ord($data[4]) & 0x20) !== 0) {
            return null;
        }
        $descriptor = ord($data[5]);
        $base = 1 << (10 + ($descriptor >> 3));
        return $base + intdiv($base, 8) * ($descriptor & 7);
    }

    /**
     * The Frame_Content_Size a zstd frame header declares (RFC 8878 §3.1.1.1); null when the header
     * is incomplete or declares none. Read before decompressing (SPEC 1.1 §7.2).
     */
    public static function declaredContentSize(string $data): ?int
    {
        if (strlen($data) < 5 || substr($data, 0, 4) !== "\x28\xB5\x2F\xFD") {
            return null;
        }
        $fhd = ord($data[4]);
        $fcsFlag = $fhd >> 6;
        $single = ($fhd & 0x20) !== 0;
        $pos = 5 + ($single ? 0 : 1) + [0, 1, 2, 4][$fhd & 3];
        $size = $fcsFlag === 0 ? ($single ? 1 : 0) : 1 << $fcsFlag;
        if ($size === 0 || $pos + $size > strlen($data)) {
            return null;
        }
        $value = 0;
        for ($i = $size - 1; $i >= 0; $i--) {
            if ($value > (PHP_INT_MAX >> 8)) {
                return PHP_INT_MAX;
            }
            $value = ($value << 8) | ord($data[$pos + $i]);
        }
        return $size === 2 ? $value + 256 : $value;
    }
}
