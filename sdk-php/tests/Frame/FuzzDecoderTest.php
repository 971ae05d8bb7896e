<?php

declare(strict_types=1);

namespace Parley\Tests\Frame;

use Parley\Frame\MessageRejectedException;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameEncoder;
use Parley\Frame\MessageAssembler;
use PHPUnit\Framework\TestCase;

/**
 * Seeded random and mutated input through the decoder and the assembler: only the declared
 * exceptions, and every run ends (the work is bounded by the input size).
 */
final class FuzzDecoderTest extends TestCase
{
    private const SEED = 20261121;

    public function testRandomAndMutatedInputOnlyRaisesDeclaredErrors(): void
    {
        mt_srand(self::SEED);
        $valid = $this->validStream();
        $outcomes = [];
        for ($run = 0; $run < 6000; $run++) {
            $input = match ($run % 4) {
                0 => $this->mutate($valid),
                1 => $this->randomBytes(mt_rand(0, 400)),
                2 => $this->splice($valid),
                default => $this->mutate($this->mutate($valid)),
            };
            $outcomes[$this->feed($input, mt_rand(1, 64))] = true;
        }
        // The corpus reaches more than one outcome: frames, protocol errors, truncation.
        self::assertArrayHasKey('frames', $outcomes);
        self::assertArrayHasKey(ProtocolException::class, $outcomes);
        self::assertArrayHasKey(PeerGoneException::class, $outcomes);
    }

    private function feed(string $input, int $chunk): string
    {
        $decoder = new FrameDecoder(65536, 4096, static function (string $bytes): void {
        });
        $assembler = new MessageAssembler(131072);
        $steps = 0;
        try {
            foreach (str_split($input, $chunk) as $piece) {
                $decoder->feed($piece);
                while (($frame = $decoder->next()) !== null) {
                    self::assertLessThan(10 * strlen($input) + 100, ++$steps, 'the decoder makes progress');
                    try {
                        $assembler->push($frame);
                    } catch (MessageRejectedException) {
                        // not fatal: go on
                    }
                }
            }
            $decoder->finish();
        } catch (ProtocolException | PeerGoneException $e) {
            self::assertNotSame('', $e->getMessage());
            return $e::class;
        }
        return 'frames';
    }

    private function validStream(): string
    {
        return FrameEncoder::encode(1, 0, 0, '', 1, 0, '{"versions":[1]}')
            . FrameEncoder::encode(2, 1, 3, FrameEncoder::requestMeta(100, 'upload'), 0, 0, 'part one ')
            . FrameEncoder::encode(8, 0, 4, '', 0, 0, 'p')
            . FrameEncoder::encode(2, 2, 3, '', 0, 0, 'part two')
            . FrameEncoder::encode(5, 0, 0, 'note', 1, 0, '[1,2,3]')
            . FrameEncoder::encode(7, 0, 3, '', 0, 0, '')
            . FrameEncoder::encode(3, 0, 2, '', 1, 0, '"ok"')
            . FrameEncoder::encode(4, 0, 0, '', 1, 0, '{"code":-33000,"message":"x"}');
    }

    private function mutate(string $input): string
    {
        $count = mt_rand(1, 4);
        for ($i = 0; $i < $count; $i++) {
            if ($input === '') {
                return $this->randomBytes(mt_rand(1, 32));
            }
            $at = mt_rand(0, strlen($input) - 1);
            $input = match (mt_rand(0, 3)) {
                0 => substr_replace($input, chr(mt_rand(0, 255)), $at, 1),
                1 => substr_replace($input, '', $at, mt_rand(1, 8)),
                2 => substr_replace($input, $this->randomBytes(mt_rand(1, 8)), $at, 0),
                default => substr($input, 0, $at),
            };
        }
        return $input;
    }

    private function splice(string $valid): string
    {
        // Headers with valid checksums but hostile fields: lengths, kinds, flags, versions.
        $header = FrameEncoder::header(
            mt_rand(0, 12),
            mt_rand(0, 0xFFFF),
            mt_rand(0, 3),
            mt_rand(0, 300),
            mt_rand(0, 4),
            mt_rand(0, 3),
            mt_rand(0, 1) === 1 ? mt_rand(0, 0xFFFFFFFF) : mt_rand(0, 200),
        );
        if (mt_rand(0, 3) === 0) {
            $header[4] = chr(mt_rand(0, 3));
            $header = substr($header, 0, 20) . hash('crc32c', substr($header, 0, 20), true);
        }
        $at = mt_rand(0, strlen($valid));
        return substr($valid, 0, $at) . $header . $this->randomBytes(mt_rand(0, 64)) . substr($valid, $at);
    }

    private function randomBytes(int $length): string
    {
        $bytes = '';
        for ($i = 0; $i < $length; $i++) {
            $bytes .= chr(mt_rand(0, 255));
        }
        return $bytes;
    }
}
