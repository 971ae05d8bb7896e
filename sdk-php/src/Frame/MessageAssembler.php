<?php

declare(strict_types=1);

namespace Parley\Frame;

use Parley\Exception\ErrorCode;
use Parley\Exception\MessageRejectedException;
use Parley\Exception\ProtocolException;

use function count;
use function implode;
use function preg_match;
use function sprintf;
use function strlen;
use function substr;

/**
 * Checks every frame against the per-kind rules of SPEC §3.3 and §4 (stage "frame"), and
 * reassembles chunked messages (§5, stage "message"). Push frames in arrival order; a complete
 * message comes back as a {@see Frame} without MORE/CONTINUATION (a single-frame message comes back
 * as the same object).
 *
 * At most one chunked message is in progress at a time (§5 rule 4); its parts are kept as received,
 * so memory grows with the bytes that arrived, up to max_message.
 */
final class MessageAssembler
{
    private const STAGE_FRAME = 'frame';
    private const STAGE_MESSAGE = 'message';

    private int $kind = 0;
    private int $id = 0;
    private int $flags = 0;
    private int $codec = 0;
    private int $compression = 0;
    private string $meta = '';
    /** @var list<string> */
    private array $parts = [];
    private int $size = 0;
    /** The message in progress was rejected (§4.1, §4.2): its remaining frames are consumed unread. */
    private bool $skipping = false;
    /** @var array<string, true> method names already checked */
    private array $validMethods = [];

    public function __construct(private int $maxMessage = FrameDescriptor::DEFAULT_MAX_MESSAGE)
    {
    }

    public function setMaxMessage(int $maxMessage): void
    {
        $this->maxMessage = $maxMessage;
    }

    /** @return array{int, int}|null kind and id of the chunked message being received */
    public function inProgress(): ?array
    {
        return $this->kind === 0 ? null : [$this->kind, $this->id];
    }

    /**
     * @return Frame|null the complete message, or null (more frames needed, or a skipped frame)
     * @throws ProtocolException PROTOCOL_ERROR or MESSAGE_TOO_LARGE (fatal)
     * @throws MessageRejectedException a malformed REQUEST or NOTIFICATION method (not fatal)
     */
    public function push(Frame $frame): ?Frame
    {
        $kind = $frame->kind;
        // Fast path: the common single-frame RESPONSE, REQUEST and NOTIFICATION with a body.
        if (($frame->flags & 0x7) === 0 && $frame->body !== '') {
            if ($frame->id !== 0) {
                if ($kind === FrameKind::RESPONSE && $frame->meta === '') {
                    return $frame;
                }
                if (
                    $kind === FrameKind::REQUEST && strlen($frame->meta) > 4
                    && isset($this->validMethods[substr($frame->meta, 4)])
                ) {
                    return $frame;
                }
            } elseif ($kind === FrameKind::NOTIFICATION && isset($this->validMethods[$frame->meta])) {
                return $frame;
            }
        }
        switch ($kind) {
            case FrameKind::REQUEST:
            case FrameKind::RESPONSE:
            case FrameKind::PROGRESS:
            case FrameKind::NOTIFICATION:
                return $this->pushChunkable($frame);
            case FrameKind::HELLO:
            case FrameKind::ERROR:
            case FrameKind::GOODBYE:
                $this->checkUnchunked($frame);
                if ($kind !== FrameKind::ERROR && $frame->id !== 0) {
                    throw $this->violation($frame, 'must have id 0');
                }
                if ($frame->body === '') {
                    throw $this->violation($frame, 'must have a body (a JSON object)');
                }
                if ($frame->codec !== FrameDescriptor::CODEC_JSON || $frame->compression !== 0) {
                    throw $this->violation($frame, sprintf(
                        'must be JSON (codec 1) without compression, got codec %d, compression %d',
                        $frame->codec,
                        $frame->compression,
                    ));
                }
                return $frame;
            case FrameKind::CANCEL:
                $this->checkUnchunked($frame);
                if ($frame->id === 0) {
                    throw $this->violation($frame, 'must have an id >= 1');
                }
                if ($frame->body !== '') {
                    throw $this->violation($frame, 'must have an empty body');
                }
                $this->checkNoEncoding($frame);
                return $frame;
            case FrameKind::PING:
            case FrameKind::PONG:
                $this->checkUnchunked($frame);
                if (strlen($frame->body) > FrameDescriptor::MAX_PING_BODY) {
                    throw $this->violation($frame, sprintf(
                        'body is %d bytes; at most %d are allowed',
                        strlen($frame->body),
                        FrameDescriptor::MAX_PING_BODY,
                    ));
                }
                $this->checkNoEncoding($frame);
                return $frame;
            default:
                // Unknown kind: skipped, its length is authoritative (§4, §12).
                return null;
        }
    }

    private function pushChunkable(Frame $frame): ?Frame
    {
        $kind = $frame->kind;
        $flags = $frame->flags;
        $chunk = $flags & FrameFlags::CHUNK;
        $continuation = ($chunk & FrameFlags::CONTINUATION) !== 0;

        // Frame rules (§3.3, §4).
        if ($kind === FrameKind::NOTIFICATION) {
            if ($frame->id !== 0) {
                throw $this->violation($frame, 'must have id 0');
            }
        } elseif ($frame->id === 0) {
            throw $this->violation($frame, 'must have an id >= 1');
        }
        if (($flags & FrameFlags::WANT_PROGRESS) !== 0 && $kind !== FrameKind::REQUEST) {
            throw $this->violation($frame, 'WANT_PROGRESS is only allowed on REQUEST');
        }
        if ($frame->meta !== '') {
            if ($continuation) {
                throw $this->violation($frame, 'CONTINUATION frames must have meta_len 0');
            }
            if ($kind === FrameKind::RESPONSE || $kind === FrameKind::PROGRESS) {
                throw $this->violation($frame, 'must have meta_len 0');
            }
        }
        if ($chunk === 0) {
            if ($frame->body === '') {
                $this->checkNoEncoding($frame);
            }
            $this->checkMethod($frame);
            return $frame;
        }

        // Reassembly (§5).
        if (!$continuation) {
            if ($this->kind !== 0) {
                throw $this->violation($frame, sprintf(
                    'starts a chunked message while %s id %d is still in progress (one at a time, §5)',
                    FrameKind::describe($this->kind),
                    $this->id,
                ), self::STAGE_MESSAGE);
            }
            $this->kind = $kind;
            $this->id = $frame->id;
            $this->flags = $flags & ~FrameFlags::CHUNK;
            $this->codec = $frame->codec;
            $this->compression = $frame->compression;
            $this->meta = $frame->meta;
            $this->parts = [];
            $this->size = 0;
            $this->skipping = false;
            try {
                $this->checkMethod($frame);
            } catch (MessageRejectedException $e) {
                $this->skipping = true;
                throw $e;
            }
            $this->append($frame);
            return null;
        }
        if ($this->kind === 0) {
            throw $this->violation(
                $frame,
                'CONTINUATION frame but no chunked message is in progress',
                self::STAGE_MESSAGE,
            );
        }
        if ($kind !== $this->kind || $frame->id !== $this->id) {
            throw $this->violation($frame, sprintf(
                'CONTINUATION frame does not match the message in progress (%s id %d)',
                FrameKind::describe($this->kind),
                $this->id,
            ), self::STAGE_MESSAGE);
        }
        if ($frame->codec !== $this->codec || $frame->compression !== $this->compression) {
            throw $this->violation(
                $frame,
                'all frames of a message must have the same codec and compression',
                self::STAGE_MESSAGE,
            );
        }
        if (!$this->skipping) {
            $this->append($frame);
        }
        if (($flags & FrameFlags::MORE) !== 0) {
            return null;
        }
        $message = $this->skipping ? null : new Frame(
            $this->kind,
            $this->flags,
            $this->id,
            $this->codec,
            $this->compression,
            $this->meta,
            count($this->parts) === 1 ? $this->parts[0] : implode('', $this->parts),
        );
        $this->kind = 0;
        $this->id = 0;
        $this->meta = '';
        $this->parts = [];
        $this->size = 0;
        $this->skipping = false;
        return $message;
    }

    private function append(Frame $frame): void
    {
        $length = strlen($frame->body);
        if ($length === 0) {
            return;
        }
        $this->size += $length;
        if ($this->size > $this->maxMessage) {
            $this->parts = [];
            throw new ProtocolException(ErrorCode::MessageTooLarge, sprintf(
                'chunked %s id %d exceeds max_message: more than %d body bytes received',
                FrameKind::describe($this->kind),
                $this->id,
                $this->maxMessage,
            ), false, null, self::STAGE_MESSAGE);
        }
        $this->parts[] = $frame->body;
    }

    /** Method names of REQUEST (§4.1) and NOTIFICATION (§4.2) first frames. */
    private function checkMethod(Frame $frame): void
    {
        if ($frame->kind === FrameKind::REQUEST) {
            $length = strlen($frame->meta);
            if ($length < FrameDescriptor::REQUEST_META_TIMEOUT_SIZE + 1) {
                throw new MessageRejectedException($frame->kind, $frame->id, ErrorCode::InvalidRequest, sprintf(
                    'REQUEST meta is %d bytes; it must hold a 4-byte timeout_ms and a 1..255-byte method',
                    $length,
                ));
            }
            $method = substr($frame->meta, FrameDescriptor::REQUEST_META_TIMEOUT_SIZE);
        } elseif ($frame->kind === FrameKind::NOTIFICATION) {
            $method = $frame->meta;
            if ($method === '') {
                throw new MessageRejectedException(
                    $frame->kind,
                    0,
                    ErrorCode::InvalidRequest,
                    'NOTIFICATION without a method name',
                );
            }
        } else {
            return;
        }
        if (isset($this->validMethods[$method])) {
            return;
        }
        if (strlen($method) > FrameDescriptor::MAX_METHOD_LENGTH) {
            throw new MessageRejectedException($frame->kind, $frame->id, ErrorCode::InvalidRequest, sprintf(
                'method name is %d bytes; at most %d are allowed',
                strlen($method),
                FrameDescriptor::MAX_METHOD_LENGTH,
            ));
        }
        if (preg_match('//u', $method) !== 1) {
            throw new MessageRejectedException(
                $frame->kind,
                $frame->id,
                ErrorCode::InvalidRequest,
                'method name is not valid UTF-8',
            );
        }
        if (count($this->validMethods) >= 512) {
            $this->validMethods = [];
        }
        $this->validMethods[$method] = true;
    }

    /** Kinds that are never chunked: no MORE, CONTINUATION or WANT_PROGRESS; empty meta. */
    private function checkUnchunked(Frame $frame): void
    {
        if (($frame->flags & (FrameFlags::CHUNK | FrameFlags::WANT_PROGRESS)) !== 0) {
            throw $this->violation($frame, sprintf('flags 0x%04X are not allowed on this kind', $frame->flags & 0x7));
        }
        if ($frame->meta !== '') {
            throw $this->violation($frame, 'must have meta_len 0');
        }
    }

    /** Codec and compression 0: empty single-frame bodies, CANCEL, PING, PONG. */
    private function checkNoEncoding(Frame $frame): void
    {
        if ($frame->codec !== 0 || $frame->compression !== 0) {
            throw $this->violation($frame, sprintf(
                '%s must have codec 0 and compression 0, got codec %d, compression %d',
                $frame->body === '' ? 'an empty body' : 'this kind',
                $frame->codec,
                $frame->compression,
            ));
        }
    }

    private function violation(Frame $frame, string $rule, string $stage = self::STAGE_FRAME): ProtocolException
    {
        return new ProtocolException(
            ErrorCode::ProtocolError,
            sprintf('%s id %d: %s', FrameKind::describe($frame->kind), $frame->id, $rule),
            false,
            null,
            $stage,
        );
    }
}
