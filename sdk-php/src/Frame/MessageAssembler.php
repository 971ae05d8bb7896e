<?php

declare(strict_types=1);

namespace Parley\Frame;

use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;

use function count;
use function implode;
use function sprintf;
use function strlen;

/**
 * Turns frames into messages (SPEC §5, stage "message"): each frame is first checked by the
 * {@see FrameValidator}; an unchunked frame is its own message (the same object comes back), the
 * frames of a chunked one are joined into a new {@see Message}, except a raw, uncompressed body:
 * a {@see ChunkedMessage} keeps the frames' bodies as pieces, unjoined.
 *
 * At most one chunked message is in progress at a time (§5 rule 4); its parts are kept as received,
 * so memory grows with the bytes that arrived, up to max_message.
 */
final class MessageAssembler
{
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
    private readonly FrameValidator $validator;

    public function __construct(
        private int $maxMessage = FrameDescriptor::DEFAULT_MAX_MESSAGE,
        ?FrameValidator $validator = null,
    ) {
        $this->validator = $validator ?? new FrameValidator();
    }

    /** The validator every pushed frame goes through. */
    public function validator(): FrameValidator
    {
        return $this->validator;
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
     * @return Message|null the complete message, or null (more frames needed, or a skipped frame)
     * @throws ProtocolException PROTOCOL_ERROR or MESSAGE_TOO_LARGE (fatal)
     * @throws MessageRejectedException a malformed REQUEST or NOTIFICATION method (not fatal)
     */
    public function push(Frame $frame): ?Message
    {
        if (!$this->validator->check($frame)) {
            return null;
        }
        if (($frame->flags & FrameFlags::CHUNK) === 0) {
            return $frame;
        }
        return $this->pushChunk($frame);
    }

    /**
     * The second half of {@see push()}, for a frame the validator already passed that has MORE or
     * CONTINUATION set (the input pump calls the two halves itself, one call less per frame).
     *
     * @throws ProtocolException PROTOCOL_ERROR or MESSAGE_TOO_LARGE (fatal)
     * @throws MessageRejectedException a malformed method on the first frame (not fatal)
     */
    public function pushChunk(Frame $frame): ?Message
    {
        $flags = $frame->flags;
        if (($flags & FrameFlags::CONTINUATION) === 0) {
            if ($this->kind !== 0) {
                throw FrameValidator::violation($frame, sprintf(
                    'starts a chunked message while %s id %d is still in progress (one at a time, §5)',
                    FrameKind::describe($this->kind),
                    $this->id,
                ), self::STAGE_MESSAGE);
            }
            $this->kind = $frame->kind;
            $this->id = $frame->id;
            $this->flags = $flags & ~FrameFlags::CHUNK;
            $this->codec = $frame->codec;
            $this->compression = $frame->compression;
            $this->meta = $frame->meta;
            $this->parts = [];
            $this->size = 0;
            $this->skipping = false;
            try {
                $this->validator->checkMethod($frame);
            } catch (MessageRejectedException $e) {
                $this->skipping = true;
                throw $e;
            }
            $this->append($frame);
            return null;
        }
        if ($this->kind === 0) {
            throw FrameValidator::violation(
                $frame,
                'CONTINUATION frame but no chunked message is in progress',
                self::STAGE_MESSAGE,
            );
        }
        if ($frame->kind !== $this->kind || $frame->id !== $this->id) {
            throw FrameValidator::violation($frame, sprintf(
                'CONTINUATION frame does not match the message in progress (%s id %d)',
                FrameKind::describe($this->kind),
                $this->id,
            ), self::STAGE_MESSAGE);
        }
        if ($frame->codec !== $this->codec || $frame->compression !== $this->compression) {
            throw FrameValidator::violation(
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
        if ($this->skipping) {
            $message = null;
        } elseif (
            count($this->parts) > 1 && $this->codec === FrameDescriptor::CODEC_RAW && $this->compression === 0
        ) {
            // raw and uncompressed: kept as the frames' bodies, joined only if something reads the body
            $message = new ChunkedMessage(
                $this->kind,
                $this->flags,
                $this->id,
                $this->codec,
                $this->compression,
                $this->meta,
                $this->parts,
                $this->size,
            );
        } else {
            $message = new Message(
                $this->kind,
                $this->flags,
                $this->id,
                $this->codec,
                $this->compression,
                $this->meta,
                count($this->parts) === 1 ? $this->parts[0] : implode('', $this->parts),
            );
        }
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
}
