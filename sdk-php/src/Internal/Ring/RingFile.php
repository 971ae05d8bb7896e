<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use Parley\Exception\TransportException;

use function sprintf;

/**
 * A mapped ring file (SPEC §9.4): the file header and the two rings, seen from one side. The
 * parent creates it ({@see create()}), the child attaches ({@see attach()}) after checking every
 * header field; a mismatch is a {@see RingUnavailableException}, which the child reports by
 * declining the ring.
 */
final class RingFile
{
    /** The ring this side writes. */
    public readonly OneToOneRing $out;
    /** The ring this side reads. */
    public readonly OneToOneRing $in;
    /** i32 index of: our consumer sleep sequence, our producer wait sequence, the peer's two. */
    public readonly int $mySleep;
    public readonly int $myWait;
    public readonly int $peerSleep;
    public readonly int $peerWait;
    public readonly int $myProducerState;
    public readonly int $myConsumerState;
    public readonly int $peerProducerState;

    private function __construct(
        public readonly Mapping $map,
        public readonly int $capacity,
        public readonly string $sessionId,
        bool $parent,
    ) {
        $a = new OneToOneRing($map, RingLayout::ringAOffset(), $capacity);
        $b = new OneToOneRing($map, RingLayout::ringBOffset($capacity), $capacity);
        $this->out = $parent ? $a : $b;
        $this->in = $parent ? $b : $a;
        $this->mySleep = ($parent ? RingLayout::B_CONSUMER_SLEEP : RingLayout::A_CONSUMER_SLEEP) >> 2;
        $this->myWait = ($parent ? RingLayout::A_PRODUCER_WAIT : RingLayout::B_PRODUCER_WAIT) >> 2;
        $this->peerSleep = ($parent ? RingLayout::A_CONSUMER_SLEEP : RingLayout::B_CONSUMER_SLEEP) >> 2;
        $this->peerWait = ($parent ? RingLayout::B_PRODUCER_WAIT : RingLayout::A_PRODUCER_WAIT) >> 2;
        $this->myProducerState = ($parent ? RingLayout::A_PRODUCER_STATE : RingLayout::B_PRODUCER_STATE) >> 2;
        $this->myConsumerState = ($parent ? RingLayout::B_CONSUMER_STATE : RingLayout::A_CONSUMER_STATE) >> 2;
        $this->peerProducerState = ($parent ? RingLayout::B_PRODUCER_STATE : RingLayout::A_PRODUCER_STATE) >> 2;
    }

    /**
     * Creates, zero-fills and maps a new ring file (the parent's side) and writes its header,
     * magic last.
     *
     * @param string $sessionId the session id as 8 raw bytes (little-endian u64, non-zero)
     */
    public static function create(Libc $libc, string $path, int $capacity, string $sessionId): self
    {
        if (!RingLayout::isValidCapacity($capacity)) {
            throw new \InvalidArgumentException(sprintf(
                'ring capacity %d must be a power of two from 64 KiB to 512 MiB',
                $capacity,
            ));
        }
        $size = RingLayout::fileSize($capacity);
        $map = Mapping::create($libc, $path, $size);
        $header = pack(
            'vvVVPVVa8PPP',
            RingLayout::VERSION_MAJOR,
            RingLayout::VERSION_MINOR,
            RingLayout::HEADER_SIZE,
            0,
            $capacity,
            getmypid(),
            OneToOneRing::TRAILER_LENGTH,
            $sessionId,
            RingLayout::ringAOffset(),
            RingLayout::ringBOffset($capacity),
            $size,
        );
        $map->write(RingLayout::VERSION_OFFSET, $header, 0, strlen($header));
        // x86-64 keeps stores in order: the magic becomes visible after the rest (release).
        $map->i32[RingLayout::MAGIC_OFFSET] = RingLayout::MAGIC;
        return new self($map, $capacity, $sessionId, true);
    }

    /**
     * Maps a ring file the parent created (the child's side), after checking magic, version,
     * sizes, offsets and the session id.
     *
     * @param string $sessionId the expected session id as 8 raw bytes
     * @throws RingUnavailableException when the file or its header does not fit
     */
    public static function attach(Libc $libc, string $path, string $sessionId): self
    {
        try {
            $raw = Mapping::peek($path, 0x40);
        } catch (TransportException $e) {
            throw new RingUnavailableException($e->getMessage());
        }
        /** @var array{magic: int, major: int, minor: int, header: int, capacity: int, trailer: int, a: int, b: int, size: int} $h */
        $h = unpack('Vmagic/vmajor/vminor/Vheader/Vflags/Pcapacity/Vpid/Vtrailer/a8session/Pa/Pb/Psize', $raw);
        $problem = match (true) {
            $h['magic'] !== RingLayout::MAGIC => sprintf('bad magic 0x%08x', $h['magic']),
            $h['major'] !== RingLayout::VERSION_MAJOR
                => sprintf('layout version %d.%d, expected %d.x', $h['major'], $h['minor'], RingLayout::VERSION_MAJOR),
            $h['header'] !== RingLayout::HEADER_SIZE => sprintf('header size %d', $h['header']),
            !RingLayout::isValidCapacity($h['capacity']) => sprintf('capacity %d', $h['capacity']),
            $h['trailer'] !== OneToOneRing::TRAILER_LENGTH => sprintf('trailer length %d', $h['trailer']),
            $h['session'] !== $sessionId => 'the session id does not match',
            $h['a'] !== RingLayout::ringAOffset() => sprintf('ring A offset %d', $h['a']),
            $h['b'] !== RingLayout::ringBOffset($h['capacity']) => sprintf('ring B offset %d', $h['b']),
            $h['size'] !== RingLayout::fileSize($h['capacity']) => sprintf('file size %d in the header', $h['size']),
            default => null,
        };
        if ($problem !== null) {
            throw new RingUnavailableException(sprintf('the ring file %s is not valid: %s', $path, $problem));
        }
        clearstatcache(true, $path);
        if (@filesize($path) !== $h['size']) {
            throw new RingUnavailableException(sprintf('the ring file %s is not %d bytes long', $path, $h['size']));
        }
        try {
            $map = Mapping::open($libc, $path, $h['size']);
        } catch (TransportException $e) {
            throw new RingUnavailableException($e->getMessage());
        }
        return new self($map, $h['capacity'], $sessionId, false);
    }

    /** Session id bytes (LE u64) from the 16 lowercase hex digits of PARLEY_RING_SESSION. */
    public static function sessionIdFromHex(string $hex): string
    {
        if (preg_match('/^[0-9a-f]{16}$/', $hex) !== 1) {
            throw new RingUnavailableException(sprintf(
                'PARLEY_RING_SESSION "%s" is not 16 lowercase hex digits',
                $hex,
            ));
        }
        return strrev((string) hex2bin($hex));
    }

    /** The 16 lowercase hex digits of a session id. */
    public static function sessionIdToHex(string $id): string
    {
        return bin2hex(strrev($id));
    }

    public function i32(int $index): int
    {
        return $this->map->i32[$index];
    }

    public function setI32(int $index, int $value): void
    {
        $this->map->i32[$index] = $value;
    }
}
