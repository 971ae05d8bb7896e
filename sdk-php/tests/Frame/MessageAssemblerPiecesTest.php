<?php

declare(strict_types=1);

namespace Parley\Tests\Frame;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Frame\ChunkedMessage;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameFlags;
use Parley\Frame\FrameKind;
use Parley\Frame\Message;
use Parley\Frame\MessageAssembler;
use PHPUnit\Framework\TestCase;

/** A chunked raw, uncompressed message keeps its frames' bodies as pieces (SPEC §5); others are joined. */
final class MessageAssemblerPiecesTest extends TestCase
{
    /** The frames of one chunked RESPONSE id 9 whose frame bodies are $bodies. */
    private static function chunked(int $codec, int $compression, string ...$bodies): string
    {
        $wire = '';
        $last = count($bodies) - 1;
        foreach ($bodies as $i => $body) {
            $flags = ($i === 0 ? 0 : FrameFlags::CONTINUATION) | ($i < $last ? FrameFlags::MORE : 0);
            $wire .= FrameEncoder::encode(FrameKind::RESPONSE, $flags, 9, '', $codec, $compression, $body);
        }
        return $wire;
    }

    /**
     * @param list<int> $cuts
     * @return list<Message>
     */
    private static function decode(
        string $wire,
        int $maxMessage = FrameDescriptor::DEFAULT_MAX_MESSAGE,
        array $cuts = [],
    ): array {
        $decoder = new FrameDecoder();
        $assembler = new MessageAssembler($maxMessage);
        $messages = [];
        $from = 0;
        foreach ([...$cuts, strlen($wire)] as $cut) {
            $decoder->feed(substr($wire, $from, $cut - $from));
            $from = $cut;
            while (($frame = $decoder->next()) !== null) {
                $message = $assembler->push($frame);
                if ($message !== null) {
                    $messages[] = $message;
                }
            }
        }
        return $messages;
    }

    public function testARawChunkedMessageArrivesAsItsFramesBodiesInOrder(): void
    {
        $bodies = [random_bytes(70000), random_bytes(10), random_bytes(50000)];
        $messages = self::decode(self::chunked(FrameDescriptor::CODEC_RAW, 0, $bodies[0], $bodies[1], '', $bodies[2]));
        self::assertCount(1, $messages);
        $m = $messages[0];
        self::assertInstanceOf(ChunkedMessage::class, $m);
        self::assertSame($bodies, $m->pieces, 'the empty frame adds no piece');
        self::assertSame(70000 + 10 + 50000, $m->size);
        self::assertTrue($m->isPieces());
        self::assertSame(FrameKind::RESPONSE, $m->kind);
        self::assertSame(0, $m->flags & FrameFlags::CHUNK);
        // contiguous access still works, joined once
        self::assertSame(implode('', $bodies), $m->body);
        self::assertFalse($m->isPieces());
        self::assertSame([$m->body], $m->pieces);
    }

    public function testJsonAndCompressedChunkedBodiesArriveContiguous(): void
    {
        $json = self::decode(self::chunked(FrameDescriptor::CODEC_JSON, 0, '[1,2,', '3]'))[0];
        self::assertNotInstanceOf(ChunkedMessage::class, $json);
        self::assertSame('[1,2,3]', $json->body);
        $packed = self::decode(self::chunked(FrameDescriptor::CODEC_RAW, 1, 'ab', 'cd'))[0];
        self::assertNotInstanceOf(ChunkedMessage::class, $packed, 'a compressed body must be whole to decompress');
        self::assertSame('abcd', $packed->body);
    }

    public function testMaxMessageStillHoldsForPieces(): void
    {
        $piece = random_bytes(30000);
        $wire = self::chunked(FrameDescriptor::CODEC_RAW, 0, $piece, $piece, $piece);
        self::assertSame(90000, self::decode($wire, 90000)[0]->size);
        try {
            self::decode($wire, 89999);
            self::fail('max_message was not enforced');
        } catch (ProtocolException $e) {
            self::assertSame(ErrorCode::MessageTooLarge, $e->errorCode());
        }
    }

    public function testPiecesAreTheSameAtEverySplitOfTheInput(): void
    {
        $bodies = ['first piece', 'x', str_repeat('z', 40)];
        $wire = self::chunked(FrameDescriptor::CODEC_RAW, 0, ...$bodies);
        for ($cut = 0; $cut <= strlen($wire); $cut++) {
            for ($cut2 = $cut; $cut2 <= strlen($wire); $cut2 += 5) {
                $messages = self::decode($wire, FrameDescriptor::DEFAULT_MAX_MESSAGE, [$cut, $cut2]);
                self::assertCount(1, $messages, "cuts $cut $cut2");
                self::assertInstanceOf(ChunkedMessage::class, $messages[0]);
                self::assertSame($bodies, $messages[0]->pieces, "cuts $cut $cut2");
            }
        }
    }
}
