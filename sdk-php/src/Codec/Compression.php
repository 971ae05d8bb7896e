<?php

declare(strict_types=1);

namespace Parley\Codec;

/**
 * A body compression of SPEC §10.2.
 */
interface Compression
{
    public function id(): int;

    public function name(): string;

    public function compress(string $data): string;

    /**
     * @throws \Parley\Exception\ProtocolException MESSAGE_TOO_LARGE as soon as the output would exceed $maxLength
     * @throws \Parley\Codec\CodecException PARSE_ERROR for corrupt input
     */
    public function decompress(string $data, int $maxLength): string;
}
