<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

use Parley\Internal\Io\ForwardingTransport;

use function strlen;
use function substr;
use function unpack;

/**
 * A transport wrapper (SessionOptions::$transportDecorator) that keeps a copy of every byte
 * written, so a test can check which frames went out (e.g. whether a body was compressed).
 */
final class RecordingTransport extends ForwardingTransport
{
    private const HEADER = 'a4magic/Cversion/Ckind/nflags/Nid/nmeta/Ccodec/Ccompression/Nbody';

    private string $written = '';

    /** @return list<array{kind: int, compression: int, bodyLength: int}> every frame written so far */
    public function writtenFrames(): array
    {
        $frames = [];
        $at = 0;
        while ($at + 24 <= strlen($this->written)) {
            $h = unpack(self::HEADER, $this->written, $at);
            $frames[] = ['kind' => $h['kind'], 'compression' => $h['compression'], 'bodyLength' => $h['body']];
            $at += 24 + $h['meta'] + $h['body'];
        }
        return $frames;
    }

    public function write(string $bytes): int
    {
        $written = $this->inner->write($bytes);
        $this->written .= substr($bytes, 0, $written);
        return $written;
    }
}
