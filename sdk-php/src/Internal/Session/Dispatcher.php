<?php

declare(strict_types=1);

namespace Parley\Internal\Session;

use Closure;
use Parley\Exception\ErrorCode;
use Parley\Exception\ProtocolException;
use Parley\Exception\SessionClosedException;
use Parley\Frame\Frame;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameKind;
use Parley\Frame\MessageAssembler;
use Parley\Frame\Message;
use Parley\Frame\MessageRejectedException;
use Parley\Internal\Call\Bodies;
use Parley\Internal\Call\Inbound;
use Parley\Internal\Call\Outbound;
use Parley\Internal\Io\FrameWriter;
use Parley\Internal\Io\MessageSink;
use Parley\Internal\Log;
use Parley\Session\SessionState;

use function hrtime;
use function json_encode;
use function sprintf;
use function strlen;
use function substr;

/**
 * Routes each message the {@see \Parley\Internal\Io\Reader} hands over to the part that owns its
 * kind (SPEC §4), according to the session state (§8.1): before the handshake only HELLO or a fatal
 * ERROR; after it, requests and notifications to {@see Inbound}, answers to {@see Outbound}, PING
 * straight back as PONG, PONG to {@see Heartbeat}, GOODBYE to {@see Lifecycle}.
 *
 * @internal
 */
final class Dispatcher implements MessageSink
{
    /** Stray-byte warnings shown in full before rate limiting starts. */
    private const STRAY_REPORTS_IN_FULL = 3;
    /** Then at most one stray-byte warning per this many seconds. */
    private const STRAY_REPORT_INTERVAL = 5.0;
    /** The last stray bytes kept for the exception that reports the peer's end. */
    private const STRAY_TAIL = 200;

    private string $strayTail = '';
    private int $strayReports = 0;
    private int $straySuppressed = 0;
    private int $strayBytes = 0;
    private float $strayQuietUntil = 0.0;

    /**
     * @param Closure(string): void|null $onStray the application's stray-bytes listener
     */
    public function __construct(
        private readonly Lifecycle $life,
        private readonly Outbound $outbound,
        private readonly Inbound $inbound,
        private readonly Heartbeat $heartbeat,
        private readonly FrameWriter $writer,
        private readonly MessageAssembler $assembler,
        private readonly Log $log,
        private readonly string $peerDescription,
        private readonly ?Closure $onStray,
    ) {
    }

    public function onMessage(Message $message): void
    {
        $state = $this->life->state;
        if ($state === SessionState::Open) {
            $kind = $message->kind;
            if ($kind === FrameKind::RESPONSE) {
                $this->outbound->receiveResponse($message);
            } elseif ($kind === FrameKind::REQUEST) {
                $this->inbound->receiveRequest($message);
            } elseif ($kind === FrameKind::NOTIFICATION) {
                $this->inbound->receiveNotification($message);
            } else {
                $this->route($message);
            }
            return;
        }
        if ($state === SessionState::Draining) {
            $this->route($message);
            return;
        }
        // Connecting: only HELLO, or a fatal ERROR with id 0 (§8.2).
        if ($message->kind === FrameKind::HELLO) {
            $this->life->receiveHello($message);
            return;
        }
        if ($message->kind === FrameKind::ERROR && $message->id === 0) {
            $this->outbound->receiveError($message);
            return;
        }
        throw new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
            'received %s before the HELLO; the handshake must come first',
            FrameKind::describe($message->kind),
        ));
    }

    public function onRejected(MessageRejectedException $rejected): void
    {
        $state = $this->life->state;
        if ($rejected->kind === FrameKind::REQUEST && $state !== SessionState::Connecting) {
            $this->inbound->answerRejected($rejected->id, $rejected->getCode(), $rejected->getMessage());
            return;
        }
        if ($state === SessionState::Connecting) {
            $this->life->abort(new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
                'received %s before the HELLO; the handshake must come first',
                FrameKind::describe($rejected->kind),
            )), true);
            return;
        }
        $this->log->log('warning', 'dropped a malformed notification: ' . $rejected->getMessage());
    }

    public function onSkipped(Frame $frame): void
    {
        $this->log->log('debug', sprintf('skipped a frame of %s', FrameKind::describe($frame->kind)));
    }

    public function onFatal(SessionClosedException $error): void
    {
        $this->life->abort($error, true);
    }

    public function onEndOfStream(string $truncated): void
    {
        // What a dying child printed instead of frames ("Could not open input file: ...").
        $this->life->onEndOfStream(
            $truncated,
            $this->strayTail === '' ? '' : '; it wrote non-Parley output: '
                . json_encode(substr($this->strayTail, -self::STRAY_TAIL), Bodies::CONTROL_FLAGS),
        );
    }

    /** Bytes between frames that are not Parley frames (§3.6): reported, then skipped. */
    public function onStray(string $bytes): void
    {
        if ($this->onStray !== null) {
            ($this->onStray)($bytes);
        }
        $this->strayTail = substr($this->strayTail . $bytes, -self::STRAY_TAIL);
        $this->strayReports++;
        $this->strayBytes += strlen($bytes);
        $now = hrtime(true) / 1e9;
        if ($this->strayReports > self::STRAY_REPORTS_IN_FULL && $now < $this->strayQuietUntil) {
            // Rate-limited: counted, summed up in the next warning.
            $this->straySuppressed++;
            return;
        }
        $this->strayQuietUntil = $now + self::STRAY_REPORT_INTERVAL;
        $shown = substr($bytes, 0, FrameDescriptor::STRAY_REPORT_BYTES);
        $this->log->log('warning', sprintf(
            'skipped %d stray bytes from %s (not Parley frames): %s%s%s',
            strlen($bytes),
            $this->peerDescription,
            json_encode($shown, Bodies::CONTROL_FLAGS),
            strlen($bytes) > strlen($shown) ? ' ...' : '',
            $this->straySuppressed > 0
                ? sprintf(
                    ' (%d more stray-byte reports not shown; %d bytes in all)',
                    $this->straySuppressed,
                    $this->strayBytes,
                )
                : '',
        ));
        $this->straySuppressed = 0;
    }

    /** @throws ProtocolException a second HELLO, or a fatal ERROR */
    private function route(Message $message): void
    {
        switch ($message->kind) {
            case FrameKind::RESPONSE:
                $this->outbound->receiveResponse($message);
                return;
            case FrameKind::REQUEST:
                $this->inbound->receiveRequest($message);
                return;
            case FrameKind::NOTIFICATION:
                $this->inbound->receiveNotification($message);
                return;
            case FrameKind::ERROR:
                $this->outbound->receiveError($message);
                return;
            case FrameKind::PROGRESS:
                $this->outbound->receiveProgress($message);
                return;
            case FrameKind::CANCEL:
                $this->inbound->receiveCancel($message->id, $this->assembler->inProgress());
                return;
            case FrameKind::PING:
                $this->writer->pong($message->id, $message->body);
                return;
            case FrameKind::PONG:
                $this->heartbeat->onPong($message->id);
                return;
            case FrameKind::GOODBYE:
                $this->life->receiveGoodbye($message);
                return;
            case FrameKind::HELLO:
                throw new ProtocolException(ErrorCode::ProtocolError, 'a second HELLO after the handshake');
        }
    }
}
