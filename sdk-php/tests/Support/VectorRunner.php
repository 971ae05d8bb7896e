<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

use Parley\Frame\MessageRejectedException;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Frame\Frame;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameKind;
use Parley\Frame\Message;
use Parley\Frame\MessageAssembler;

/**
 * Runs the SDK's decoder, validator and reassembler over input pieces the way a session does, and
 * records what a golden vector describes: decoder events, messages, and the first error.
 */
final class VectorRunner
{
    /**
     * @param list<string> $pieces the input, as it arrives in reads
     * @param array<string, int> $config max_frame, max_message, max_stray
     * @return array<string, mixed> events, messages (lists of arrays) and error (or null)
     */
    public static function run(array $pieces, array $config, bool $eof): array
    {
        $events = [];
        $decoder = new FrameDecoder(
            $config['max_frame'] ?? FrameDescriptor::DEFAULT_MAX_FRAME,
            $config['max_stray'] ?? FrameDescriptor::DEFAULT_MAX_STRAY,
            static function (string $bytes) use (&$events): void {
                $events[] = ['type' => 'stray', 'hex' => bin2hex($bytes)];
            },
        );
        $assembler = new MessageAssembler($config['max_message'] ?? FrameDescriptor::DEFAULT_MAX_MESSAGE);
        $messages = [];
        $error = null;
        foreach ($pieces as $piece) {
            $decoder->feed($piece);
            while (true) {
                try {
                    $frame = $decoder->next();
                } catch (ProtocolException $e) {
                    return self::result($events, $messages, $error ?? self::error($e));
                }
                if ($frame === null) {
                    break;
                }
                $events[] = ['type' => 'frame'] + self::describe($frame);
                try {
                    $message = $assembler->push($frame);
                } catch (MessageRejectedException $e) {
                    // A rejected REQUEST is answered with INVALID_REQUEST; a rejected NOTIFICATION
                    // is only reported (no error code, SPEC §4.2).
                    if ($e->kind === FrameKind::REQUEST) {
                        $error ??= ['stage' => 'frame', 'code' => $e->getCode(), 'fatal' => false];
                    }
                    continue;
                } catch (ProtocolException $e) {
                    return self::result($events, $messages, $error ?? self::error($e));
                }
                if ($message !== null) {
                    $messages[] = self::describe($message);
                }
            }
        }
        if ($eof) {
            try {
                $decoder->finish();
            } catch (PeerGoneException $e) {
                $error ??= ['stage' => 'decode', 'code' => $e->getCode(), 'fatal' => true];
            }
        }
        return self::result($events, $messages, $error);
    }

    /** @return array<string, mixed> */
    public static function describe(Message $frame): array
    {
        return [
            'kind' => $frame->kind,
            'flags' => $frame->flags,
            'id' => $frame->id,
            'codec' => $frame->codec,
            'compression' => $frame->compression,
            'meta' => bin2hex($frame->meta),
            'body' => bin2hex($frame->body),
        ];
    }

    /** @return array<string, mixed> */
    private static function error(ProtocolException $e): array
    {
        return ['stage' => $e->stage(), 'code' => $e->getCode(), 'fatal' => true];
    }

    /**
     * Adjacent stray events merged, as the vectors compare them.
     *
     * @param list<array<string, mixed>> $events
     * @param list<array<string, mixed>> $messages
     * @param array<string, mixed>|null $error
     * @return array<string, mixed> events, messages (lists of arrays) and error (or null)
     */
    private static function result(array $events, array $messages, ?array $error): array
    {
        $merged = [];
        foreach ($events as $event) {
            $last = count($merged) - 1;
            if ($event['type'] === 'stray' && $last >= 0 && $merged[$last]['type'] === 'stray') {
                $merged[$last]['hex'] .= $event['hex'];
                continue;
            }
            $merged[] = $event;
        }
        return ['events' => $merged, 'messages' => $messages, 'error' => $error];
    }
}
