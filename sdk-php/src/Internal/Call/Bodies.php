<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Parley\Codec\Codec;
use Parley\Codec\CodecException;
use Parley\Codec\Compression;
use Parley\Codec\DeflateCompression;
use Parley\Codec\JsonCodec;
use Parley\Codec\Payload;
use Parley\Codec\PhpSerializeCodec;
use Parley\Codec\RawCodec;
use Parley\Codec\StrictJson;
use Parley\Codec\ZstdCompression;
use Parley\Exception\ErrorCode;
use Parley\Frame\ChunkedMessage;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\Message;
use Parley\Internal\Io\Encoded;
use Parley\PeerInfo;
use Parley\Session\SessionOptions;

use function array_fill_keys;
use function array_keys;
use function implode;
use function is_object;
use function is_string;
use function json_decode;
use function json_encode;
use function sprintf;
use function str_contains;
use function strlen;

/**
 * Encodes and decodes bodies (SPEC §10): the codecs and compressions this side offers, the ones the
 * peer listed in its HELLO, and the choice of compression. Every encode returns an {@see Encoded}
 * (bytes with their codec and compression bytes).
 *
 * {@see smallJson()} is the fast path of the common small plain-JSON body: no compression to
 * consider, no object to build.
 *
 * @internal
 */
final class Bodies
{
    private readonly JsonCodec $json;
    /** json_decode()'s $associative (read by the inlined fast paths of Outbound and Inbound) */
    public readonly bool $jsonAssoc;
    private readonly int $threshold;
    private readonly int $maxMessage;
    private readonly bool $rawPieces;
    /** @var array<int, Codec> codecs this peer decodes, by id */
    private array $codecsById = [];
    /** @var array<string, Codec> */
    private array $codecsByName = [];
    /** @var array<int, Compression> */
    private array $compressionsById = [];
    /** @var array<string, Compression> */
    private array $compressionsByName = [];
    /** @var array<string, true> codec names the peer decodes */
    private array $peerCodecs = ['json' => true];
    /** @var array<string, true> */
    private array $peerCompressions = [];
    private ?Compression $autoCompression = null;
    private int $peerMaxMessage = FrameDescriptor::DEFAULT_MAX_MESSAGE;
    private ?Encoded $empty = null;
    /** The value {@see smallJson()} last encoded and refused as too large, and its JSON: {@see encode()} reuses it */
    private mixed $spareValue = null;
    private ?string $spareJson = null;

    /**
     * @param bool $autoCompress whether bodies are compressed without being asked to (see
     *        {@see AutoCompression::decide()}); a compression named per call is used either way
     */
    public function __construct(SessionOptions $options, private readonly bool $autoCompress = false)
    {
        $this->json = new JsonCodec($options->jsonObjectsAsArrays);
        $this->jsonAssoc = $options->jsonObjectsAsArrays;
        $this->threshold = $options->compressionThreshold;
        $this->maxMessage = $options->maxMessage;
        $this->rawPieces = $options->rawPieces;
        $this->register($this->json);
        foreach ($options->codecs as $name) {
            $codec = match ($name) {
                'json' => null,
                'raw' => new RawCodec(),
                'php' => new PhpSerializeCodec($options->allowedClasses),
                default => throw new \InvalidArgumentException("unknown codec \"$name\": use json, raw or php"),
            };
            if ($codec !== null) {
                $this->register($codec);
            }
        }
        foreach ($options->compression ?? ['deflate', 'zstd'] as $name) {
            $compression = match ($name) {
                'deflate' => new DeflateCompression(),
                'zstd' => $options->compression === null
                    ? ZstdCompression::available()
                    : (ZstdCompression::available() ?? throw new \InvalidArgumentException(
                        'zstd compression is not available: ' . ZstdCompression::whyUnavailable(),
                    )),
                default => throw new \InvalidArgumentException("unknown compression \"$name\": use deflate or zstd"),
            };
            if ($compression !== null) {
                $this->compressionsById[$compression->id()] = $compression;
                $this->compressionsByName[$compression->name()] = $compression;
            }
        }
    }

    /** @return list<string> codec names for this side's HELLO */
    public function codecNames(): array
    {
        return array_keys($this->codecsByName);
    }

    /** @return list<string> compression names for this side's HELLO */
    public function compressionNames(): array
    {
        return array_keys($this->compressionsByName);
    }

    /** Takes the peer's HELLO (§8.2): what it decodes, and its max_message. */
    public function negotiate(PeerInfo $peer): void
    {
        $this->peerMaxMessage = $peer->maxMessage;
        $this->peerCodecs = array_fill_keys($peer->codecs, true);
        $this->peerCompressions = array_fill_keys($peer->compression, true);
        foreach ([ZstdCompression::NAME, DeflateCompression::NAME] as $name) {
            if (isset($this->peerCompressions[$name], $this->compressionsByName[$name])) {
                $this->autoCompression = $this->compressionsByName[$name];
                break;
            }
        }
    }

    public function peerMaxMessage(): int
    {
        return $this->peerMaxMessage;
    }

    /** Whether the peer decodes this codec or compression (json always). */
    public function peerAccepts(string $name): bool
    {
        return isset($this->peerCodecs[$name]) || isset($this->peerCompressions[$name]);
    }

    /**
     * The fast path: $value as JSON when it is a plain value (not null, no object) whose encoding is
     * below the compression threshold and within the peer's max_message; null otherwise (then use
     * {@see encode()}).
     */
    public function smallJson(mixed $value): ?string
    {
        if ($value === null || is_object($value)) {
            return null;
        }
        try {
            $json = json_encode($value, JsonCodec::ENCODE_FLAGS);
        } catch (\JsonException) {
            return null;
        }
        $length = strlen($json);
        if ($length < $this->threshold && $length <= $this->peerMaxMessage && !str_contains($json, '{}')) {
            return $json;
        }
        // The caller goes on to encode() the same value: keep the text for it (one json_encode per body).
        $this->spareValue = $value;
        $this->spareJson = $json;
        return null;
    }

    /**
     * Encodes a value: a {@see Payload} chooses its codec and compression; otherwise $codecName or
     * JSON, compressed when automatic compression is on, the body reaches the threshold, a sample of
     * it does not look random, the peer accepts a compression and it helps.
     *
     * @throws \InvalidArgumentException the value cannot be encoded, or the codec or compression is
     *         not available on both sides
     */
    public function encode(mixed $value, ?string $codecName = null, ?string $compressionName = null): Encoded
    {
        if ($value instanceof Payload && $value->isPieces()) {
            return $this->pieces($value);
        }
        if ($value instanceof Payload) {
            $codecName = $value->codec;
            $compressionName = $value->compression;
            $value = $value->value;
        }
        if ($value === null) {
            return $this->empty ??= new Encoded(0, 0, '');
        }
        if ($codecName === null || $codecName === JsonCodec::NAME) {
            $codec = $this->json;
        } else {
            $codec = $this->codecsByName[$codecName] ?? throw new \InvalidArgumentException(sprintf(
                'codec "%s" is not enabled on this session (enabled: %s)',
                $codecName,
                implode(', ', array_keys($this->codecsByName)),
            ));
            if (!isset($this->peerCodecs[$codecName])) {
                throw new \InvalidArgumentException(sprintf(
                    'the peer does not accept codec "%s" (it listed: %s)',
                    $codecName,
                    implode(', ', array_keys($this->peerCodecs)),
                ));
            }
        }
        try {
            if ($this->spareJson !== null) {
                $spare = $this->spareJson;
                $reuse = $codec === $this->json && $this->spareValue === $value;
                $this->spareJson = null;
                $this->spareValue = null;
                if ($reuse) {
                    StrictJson::checkSent($value, $spare);
                    $body = $spare;
                } else {
                    $body = $codec->encode($value);
                }
            } else {
                $body = $codec->encode($value);
            }
        } catch (\InvalidArgumentException $e) {
            // SPEC 1.1 §10.1: refused with a typed error, as the Java SDK does (never altered)
            throw new CodecException('cannot encode the value: ' . $e->getMessage(), $e, ErrorCode::InvalidParams);
        }
        if ($body === '') {
            return $this->empty ??= new Encoded(0, 0, '');
        }
        if ($compressionName !== null) {
            $compression = $this->compressionsByName[$compressionName] ?? null;
            if ($compression === null || !isset($this->peerCompressions[$compressionName])) {
                throw new \InvalidArgumentException(sprintf(
                    'compression "%s" is not available on both sides (peer lists: %s)',
                    $compressionName,
                    implode(', ', array_keys($this->peerCompressions)) ?: 'none',
                ));
            }
            return new Encoded($codec->id(), $compression->id(), $compression->compress($body), strlen($body));
        }
        if (
            $this->autoCompress && $this->autoCompression !== null && strlen($body) >= $this->threshold
            && !AutoCompression::looksIncompressible($body)
        ) {
            $compressed = $this->autoCompression->compress($body);
            if (strlen($compressed) < strlen($body)) {
                return new Encoded($codec->id(), $this->autoCompression->id(), $compressed, strlen($body));
            }
        }
        return new Encoded($codec->id(), 0, $body);
    }

    /** A payload of pieces: raw, uncompressed, never joined (the writer cuts frames from the pieces). */
    private function pieces(Payload $payload): Encoded
    {
        if (!isset($this->peerCodecs[RawCodec::NAME])) {
            throw new \InvalidArgumentException(sprintf(
                'the peer does not accept codec "raw" (it listed: %s)',
                implode(', ', array_keys($this->peerCodecs)),
            ));
        }
        $size = $payload->size();
        if ($size === 0) {
            return $this->empty ??= new Encoded(0, 0, '');
        }
        return new Encoded(FrameDescriptor::CODEC_RAW, 0, '', $size, $payload->pieces());
    }

    /**
     * Encodes a handler's result or progress value: in the codec of its request when the peer takes
     * it (and, for raw, when the value is bytes), else JSON; a {@see Payload} chooses for itself.
     */
    public function encodeAnswer(mixed $value, string $requestCodec): Encoded
    {
        if ($value instanceof Payload || $value === null || $requestCodec === JsonCodec::NAME) {
            return $this->encode($value);
        }
        $usable = isset($this->peerCodecs[$requestCodec]) && ($requestCodec !== RawCodec::NAME || is_string($value));
        return $this->encode($value, $usable ? $requestCodec : null);
    }

    /** The name of a codec id this side offered (the frame layer only lets those through). */
    public function codecName(int $id): string
    {
        return isset($this->codecsById[$id]) ? $this->codecsById[$id]->name() : JsonCodec::NAME;
    }

    /**
     * Decodes a message body (an empty body is null).
     *
     * @throws CodecException PARSE_ERROR, or UNSUPPORTED_ENCODING for a codec or compression this
     *         side did not offer
     * @throws \Parley\Exception\ProtocolException MESSAGE_TOO_LARGE: it decompresses beyond max_message
     */
    public function decode(Message $message): mixed
    {
        if ($message instanceof ChunkedMessage && $this->rawPieces && $message->isPieces()) {
            return Payload::ofPieces($message->pieces); // SPEC §5: the frames' bodies, in order, unjoined
        }
        if ($message->body === '') {
            return null;
        }
        if ($message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0) {
            try {
                $value = json_decode($message->body, $this->jsonAssoc, 512, JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                throw new CodecException('body is not valid JSON: ' . $e->getMessage(), $e);
            }
            StrictJson::checkDecoded($message->body, $value);
            return $value;
        }
        $codec = $this->codecsById[$message->codec] ?? throw new CodecException(sprintf(
            'codec %d is not one this peer offered (%s)',
            $message->codec,
            implode(', ', array_keys($this->codecsByName)),
        ), null, ErrorCode::UnsupportedEncoding);
        $body = $message->body;
        if ($message->compression !== 0) {
            $compression = $this->compressionsById[$message->compression] ?? throw new CodecException(sprintf(
                'compression %d is not one this peer offered (%s)',
                $message->compression,
                implode(', ', array_keys($this->compressionsByName)) ?: 'none',
            ), null, ErrorCode::UnsupportedEncoding);
            $body = $compression->decompress($body, $this->maxMessage);
        }
        return $codec->decode($body);
    }

    /** Decodes a JSON control body (ERROR, GOODBYE, `$/log`) as arrays; null when it is not JSON. */
    public static function controlJson(string $body, int $depth = 64): mixed
    {
        if ($body === '') {
            return null;
        }
        try {
            return json_decode($body, true, $depth, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return null;
        }
    }

    /** The JSON body of an ERROR frame (§7.1); never fails (invalid UTF-8 is substituted). */
    public static function errorBody(int $code, string $message, mixed $data = null): string
    {
        $error = ['code' => $code, 'message' => $message];
        if ($data !== null) {
            $error['data'] = $data;
            $body = json_encode($error, self::CONTROL_FLAGS);
            if ($body !== false) {
                return $body;
            }
            unset($error['data']);
        }
        return (string) json_encode($error, self::CONTROL_FLAGS);
    }

    /** A JSON control body (GOODBYE, `$/log`) that never fails. */
    public static function control(array $object): string
    {
        return (string) json_encode($object, self::CONTROL_FLAGS);
    }

    public const CONTROL_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR
        | JSON_INVALID_UTF8_SUBSTITUTE;

    private function register(Codec $codec): void
    {
        $this->codecsById[$codec->id()] = $codec;
        $this->codecsByName[$codec->name()] = $codec;
    }
}
