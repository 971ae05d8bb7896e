<?php

declare(strict_types=1);

namespace Parley\Frame;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;

use function count;
use function preg_match;
use function sprintf;
use function strlen;
use function substr;

/**
 * The per-frame rules of SPEC §3.3 and §4 (stage "frame"): ids, flags, meta, bodies, codec and
 * compression bytes per kind, and the method names of REQUEST (§4.1) and NOTIFICATION (§4.2).
 * Reassembly rules (§5) are {@see MessageAssembler}'s.
 *
 * A broken rule is fatal ({@see ProtocolException} PROTOCOL_ERROR), except a malformed method name,
 * which rejects only that message ({@see MessageRejectedException}).
 */
final class FrameValidator
{
    /** @var array<string, true> method names already checked */
    private array $validMethods = [];

    /**
     * Checks one frame. The first frame of a chunked REQUEST or NOTIFICATION is checked except for its
     * method name: {@see checkMethod()} follows once the assembler has accepted the frame.
     *
     * @return bool true for a frame of a known kind; false for an unknown kind (skipped, §4, §12)
     * @throws ProtocolException PROTOCOL_ERROR
     * @throws MessageRejectedException a malformed method name on an unchunked message
     */
    public function check(Frame $frame): bool
    {
        $kind = $frame->kind;
        // Fast path: the common single-frame RESPONSE, REQUEST and NOTIFICATION with a body.
        if (($frame->flags & FrameFlags::DEFINED) === 0 && $frame->body !== '') {
            if ($frame->id !== 0) {
                if ($kind === FrameKind::RESPONSE && $frame->meta === '') {
                    return true;
                }
                if (
                    $kind === FrameKind::REQUEST && strlen($frame->meta) > 4
                    && isset($this->validMethods[substr($frame->meta, 4)])
                ) {
                    return true;
                }
            } elseif ($kind === FrameKind::NOTIFICATION && isset($this->validMethods[$frame->meta])) {
                return true;
            }
        }
        switch ($kind) {
            case FrameKind::REQUEST:
            case FrameKind::RESPONSE:
            case FrameKind::PROGRESS:
            case FrameKind::NOTIFICATION:
                $this->checkChunkable($frame);
                return true;
            case FrameKind::HELLO:
            case FrameKind::ERROR:
            case FrameKind::GOODBYE:
                $this->checkUnchunked($frame);
                if ($kind !== FrameKind::ERROR && $frame->id !== 0) {
                    throw self::violation($frame, 'must have id 0');
                }
                if ($frame->body === '') {
                    throw self::violation($frame, 'must have a body (a JSON object)');
                }
                if ($frame->codec !== FrameDescriptor::CODEC_JSON || $frame->compression !== 0) {
                    throw self::violation($frame, sprintf(
                        'must be JSON (codec 1) without compression, got codec %d, compression %d',
                        $frame->codec,
                        $frame->compression,
                    ));
                }
                return true;
            case FrameKind::CANCEL:
                $this->checkUnchunked($frame);
                if ($frame->id === 0) {
                    throw self::violation($frame, 'must have an id >= 1');
                }
                if ($frame->body !== '') {
                    throw self::violation($frame, 'must have an empty body');
                }
                $this->checkNoEncoding($frame);
                return true;
            case FrameKind::PING:
            case FrameKind::PONG:
                $this->checkUnchunked($frame);
                if (strlen($frame->body) > FrameDescriptor::MAX_PING_BODY) {
                    throw self::violation($frame, sprintf(
                        'body is %d bytes; at most %d are allowed',
                        strlen($frame->body),
                        FrameDescriptor::MAX_PING_BODY,
                    ));
                }
                $this->checkNoEncoding($frame);
                return true;
            default:
                // Unknown kind: skipped, its length is authoritative (§4, §12).
                return false;
        }
    }

    /**
     * Method names of REQUEST (§4.1) and NOTIFICATION (§4.2) first frames.
     *
     * @throws MessageRejectedException INVALID_REQUEST
     */
    public function checkMethod(Frame $frame): void
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

    /** A PROTOCOL_ERROR for $frame, found at $stage ("frame" or "message"). */
    public static function violation(Frame $frame, string $rule, string $stage = 'frame'): ProtocolException
    {
        return new ProtocolException(
            ErrorCode::ProtocolError,
            sprintf('%s id %d: %s', FrameKind::describe($frame->kind), $frame->id, $rule),
            false,
            null,
            $stage,
        );
    }

    private function checkChunkable(Frame $frame): void
    {
        $kind = $frame->kind;
        $flags = $frame->flags;
        $chunk = $flags & FrameFlags::CHUNK;
        if ($kind === FrameKind::NOTIFICATION) {
            if ($frame->id !== 0) {
                throw self::violation($frame, 'must have id 0');
            }
        } elseif ($frame->id === 0) {
            throw self::violation($frame, 'must have an id >= 1');
        }
        if (($flags & FrameFlags::WANT_PROGRESS) !== 0 && $kind !== FrameKind::REQUEST) {
            throw self::violation($frame, 'WANT_PROGRESS is only allowed on REQUEST');
        }
        if ($frame->meta !== '') {
            if (($chunk & FrameFlags::CONTINUATION) !== 0) {
                throw self::violation($frame, 'CONTINUATION frames must have meta_len 0');
            }
            if ($kind === FrameKind::RESPONSE || $kind === FrameKind::PROGRESS) {
                throw self::violation($frame, 'must have meta_len 0');
            }
        }
        if ($chunk === 0) {
            if ($frame->body === '') {
                $this->checkNoEncoding($frame);
            }
            $this->checkMethod($frame);
        }
    }

    /** Kinds that are never chunked: no MORE, CONTINUATION or WANT_PROGRESS; empty meta. */
    private function checkUnchunked(Frame $frame): void
    {
        if (($frame->flags & FrameFlags::DEFINED) !== 0) {
            throw self::violation($frame, sprintf(
                'flags 0x%04X are not allowed on this kind',
                $frame->flags & FrameFlags::DEFINED,
            ));
        }
        if ($frame->meta !== '') {
            throw self::violation($frame, 'must have meta_len 0');
        }
    }

    /** Codec and compression 0: empty single-frame bodies, CANCEL, PING, PONG. */
    private function checkNoEncoding(Frame $frame): void
    {
        if ($frame->codec !== 0 || $frame->compression !== 0) {
            throw self::violation($frame, sprintf(
                '%s must have codec 0 and compression 0, got codec %d, compression %d',
                $frame->body === '' ? 'an empty body' : 'this kind',
                $frame->codec,
                $frame->compression,
            ));
        }
    }
}
