<?php

declare(strict_types=1);

namespace Parley\Internal\Session;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Frame\FrameDescriptor;
use Parley\PeerInfo;

use function array_key_exists;
use function in_array;
use function is_array;
use function is_int;
use function is_string;
use function sprintf;

/**
 * The handshake object of SPEC §8.2: parsed, checked and written here; the application sees the
 * peer's as {@see PeerInfo}.
 *
 * @internal
 */
final class Hello
{
    /**
     * @param list<int> $versions
     * @param list<string> $codecs
     * @param list<string> $compression
     */
    public function __construct(
        public readonly array $versions,
        public readonly string $peer,
        public readonly array $codecs,
        public readonly array $compression,
        public readonly int $maxFrame,
        public readonly int $maxMessage,
        public readonly int $maxInFlight,
        public readonly int $heartbeatMs,
        public readonly int $caps,
        public readonly ?string $token = null,
        public readonly ?int $pid = null,
    ) {
    }

    /** The application's view of this HELLO, with the version the handshake chose. */
    public function peerInfo(int $version): PeerInfo
    {
        return new PeerInfo(
            $this->peer,
            $this->pid,
            $version,
            $this->codecs,
            $this->compression,
            $this->maxFrame,
            $this->maxMessage,
            $this->maxInFlight,
            $this->heartbeatMs,
            $this->caps,
        );
    }

    /** Compact JSON, members in the order of SPEC A.5. */
    public function toJson(): string
    {
        $object = [
            'versions' => $this->versions,
            'peer' => $this->peer,
            'codecs' => $this->codecs,
            'compression' => $this->compression,
            'max_frame' => $this->maxFrame,
            'max_message' => $this->maxMessage,
            'max_in_flight' => $this->maxInFlight,
            'heartbeat_ms' => $this->heartbeatMs,
            'caps' => $this->caps,
        ];
        if ($this->token !== null) {
            $object['token'] = $this->token;
        }
        if ($this->pid !== null) {
            $object['pid'] = $this->pid;
        }
        return json_encode($object, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /**
     * Parses and checks a HELLO body. Unknown members are ignored.
     *
     * @throws ProtocolException HANDSHAKE_FAILED
     */
    public static function parse(string $body): self
    {
        try {
            $data = json_decode($body, true, 32, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw self::invalid('the body is not valid JSON (' . $e->getMessage() . ')');
        }
        if (!is_array($data) || ($data !== [] && array_is_list($data))) {
            throw self::invalid('the body must be a JSON object');
        }
        foreach (
            [
                'versions',
                'peer',
                'codecs',
                'compression',
                'max_frame',
                'max_message',
                'max_in_flight',
                'heartbeat_ms',
                'caps',
            ] as $member
        ) {
            if (!array_key_exists($member, $data)) {
                throw self::invalid("member \"$member\" is missing");
            }
        }
        $versions = self::intList($data['versions'], 'versions');
        if ($versions === []) {
            throw self::invalid('"versions" is empty');
        }
        if (!is_string($data['peer']) || preg_match_all('/./su', $data['peer']) > 256) {
            throw self::invalid('"peer" must be a string of at most 256 characters');
        }
        $codecs = self::stringList($data['codecs'], 'codecs');
        $compression = self::stringList($data['compression'], 'compression');
        foreach (['max_frame', 'max_message', 'max_in_flight', 'heartbeat_ms', 'caps'] as $member) {
            if (!is_int($data[$member])) {
                throw self::invalid("\"$member\" must be an integer");
            }
        }
        $token = $data['token'] ?? null;
        if ($token !== null && !is_string($token)) {
            throw self::invalid('"token" must be a string');
        }
        $pid = $data['pid'] ?? null;
        return new self(
            $versions,
            $data['peer'],
            $codecs,
            $compression,
            $data['max_frame'],
            $data['max_message'],
            $data['max_in_flight'],
            $data['heartbeat_ms'],
            $data['caps'],
            $token,
            is_int($pid) ? $pid : null,
        );
    }

    /**
     * The §8.2 checks of the other peer's limits and codecs.
     *
     * @throws ProtocolException HANDSHAKE_FAILED
     */
    public function checkNegotiable(): void
    {
        if (!in_array('json', $this->codecs, true)) {
            throw self::invalid('"codecs" must include "json"');
        }
        if ($this->maxFrame < FrameDescriptor::MIN_MAX_FRAME || $this->maxFrame > FrameDescriptor::MAX_MAX_FRAME) {
            throw self::invalid(sprintf(
                'max_frame %d is outside %d..%d',
                $this->maxFrame,
                FrameDescriptor::MIN_MAX_FRAME,
                FrameDescriptor::MAX_MAX_FRAME,
            ));
        }
        if ($this->maxMessage < $this->maxFrame) {
            throw self::invalid(sprintf('max_message %d is below max_frame %d', $this->maxMessage, $this->maxFrame));
        }
        if ($this->maxInFlight < 1) {
            throw self::invalid('max_in_flight must be at least 1');
        }
        if ($this->heartbeatMs < 0) {
            throw self::invalid('heartbeat_ms must not be negative');
        }
        if ($this->caps < 0) {
            throw self::invalid('caps must not be negative');
        }
    }

    /** @return list<int> */
    private static function intList(mixed $value, string $member): array
    {
        if (!is_array($value) || !array_is_list($value)) {
            throw self::invalid("\"$member\" must be an array of integers");
        }
        foreach ($value as $item) {
            if (!is_int($item)) {
                throw self::invalid("\"$member\" must be an array of integers");
            }
        }
        return $value;
    }

    /** @return list<string> */
    private static function stringList(mixed $value, string $member): array
    {
        if (!is_array($value) || !array_is_list($value)) {
            throw self::invalid("\"$member\" must be an array of strings");
        }
        foreach ($value as $item) {
            if (!is_string($item)) {
                throw self::invalid("\"$member\" must be an array of strings");
            }
        }
        return $value;
    }

    private static function invalid(string $problem): ProtocolException
    {
        return new ProtocolException(ErrorCode::HandshakeFailed, 'malformed HELLO: ' . $problem);
    }
}
