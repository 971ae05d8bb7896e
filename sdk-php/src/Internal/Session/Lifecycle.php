<?php

declare(strict_types=1);

namespace Parley\Internal\Session;

use Closure;
use Parley\Exception\ErrorCode;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Exception\SessionClosedException;
use Parley\Exception\ShuttingDownException;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\Message;
use Parley\Internal\Call\Bodies;
use Parley\Internal\Call\HandlerHost;
use Parley\Internal\Call\Inbound;
use Parley\Internal\Call\Outbound;
use Parley\Internal\Call\SessionGate;
use Parley\Internal\Io\FrameWriter;
use Parley\Internal\Io\Reader;
use Parley\Internal\Log;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use Parley\Loop\MemoryReadiness;
use Parley\PeerInfo;
use Parley\Session\SessionOptions;
use Parley\Session\SessionState;
use Parley\Transport\Role;
use Parley\Transport\Transport;

use function getmypid;
use function hash_equals;
use function implode;
use function in_array;
use function is_array;
use function is_string;
use function round;
use function sprintf;

/**
 * The session's state machine (SPEC §8): the HELLO exchange and its timeout, GOODBYE and the drain,
 * the abrupt close (ERROR id 0, §7.3) and the release of everything. Nothing else: messages are
 * routed by {@see Dispatcher}, calls live in {@see Outbound} and {@see Inbound}, which see this class
 * only as their {@see SessionGate}.
 *
 * @internal
 */
final class Lifecycle implements SessionGate
{
    /** Read-only outside this class (the dispatcher reads it once per message; {@see state()}). */
    public SessionState $state = SessionState::Connecting;
    private ?PeerInfo $peer = null;
    private int $caps = 0;
    private ?int $readWatcher = null;
    private ?int $handshakeTimer = null;
    private ?int $drainTimer = null;
    private ?FrameStall $stall = null;
    private bool $goodbyeSent = false;
    private bool $goodbyeReceived = false;
    private string $goodbyeReason = '';
    private bool $outputShut = false;
    private ?SessionClosedException $closeReason = null;
    private readonly Deferred $opened;
    private readonly Deferred $closed;
    /** @var list<Closure(object): void> called with the public session */
    private array $closeListeners = [];
    private Reader $reader;
    private Outbound $outbound;
    private Inbound $inbound;
    private Heartbeat $heartbeat;

    /**
     * @param float $defaultHeartbeat seconds; the transport's default when the options set none
     * @param MemoryReadiness|null $memory the readiness in shared memory of the transport under any
     *                                     decorator (SessionOptions::$transportDecorator): a decorator
     *                                     must not hide it, or the ring's reader never sleeps properly
     */
    public function __construct(
        private readonly HandlerHost $host,
        private readonly Transport $transport,
        private readonly Role $role,
        private readonly SessionOptions $options,
        private readonly EventLoop $loop,
        private readonly FrameWriter $writer,
        private readonly Bodies $bodies,
        private readonly Log $log,
        private readonly float $defaultHeartbeat,
        private readonly ?MemoryReadiness $memory = null,
    ) {
        $this->opened = new Deferred($loop);
        $this->closed = new Deferred($loop);
    }

    /** Starts reading and the handshake (the initiator sends its HELLO, §8.2). */
    public function start(Reader $reader, Outbound $outbound, Inbound $inbound, Heartbeat $heartbeat): void
    {
        $this->reader = $reader;
        $this->outbound = $outbound;
        $this->inbound = $inbound;
        $this->heartbeat = $heartbeat;
        $this->readWatcher = $this->loop->onReadable(
            $this->transport->readStream(),
            $reader->onReadable(...),
            $this->transport->canBlockOnRead(),
            $this->memory ?? ($this->transport instanceof MemoryReadiness ? $this->transport : null),
        );
        $this->handshakeTimer = $this->loop->delay($this->options->handshakeTimeout, function (): void {
            $this->handshakeTimer = null;
            if ($this->state === SessionState::Connecting) {
                $this->abort(new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
                    'no HELLO from %s within %.1f s',
                    $this->transport->description(),
                    $this->options->handshakeTimeout,
                )), true);
            }
        });
        if ($this->role === Role::Initiator) {
            $this->writer->hello($this->helloJson(null));
        }
    }

    // ---------------------------------------------------------------- SessionGate

    public function state(): SessionState
    {
        return $this->state;
    }

    public function refusal(string $action): ?SessionClosedException
    {
        return match ($this->state) {
            SessionState::Closed => new SessionClosedException(
                "cannot $action: the session is closed",
                $this->closeReason,
            ),
            SessionState::Draining => new ShuttingDownException(sprintf(
                'cannot %s: the session is closing (GOODBYE %s)',
                $action,
                $this->goodbyeSent ? 'sent' : 'received',
            )),
            default => null,
        };
    }

    public function goodbyeSent(): bool
    {
        return $this->goodbyeSent;
    }

    public function callEnded(): void
    {
        if ($this->state === SessionState::Draining) {
            $this->checkDrained();
        }
    }

    // ---------------------------------------------------------------- what the facade asks

    public function peer(): ?PeerInfo
    {
        return $this->peer;
    }

    public function closeReason(): ?SessionClosedException
    {
        return $this->closeReason;
    }

    public function opened(): Deferred
    {
        return $this->opened;
    }

    public function closed(): Deferred
    {
        return $this->closed;
    }

    /** Whether `$/log` notifications may be sent (capability LOG agreed, session open; §4.3). */
    public function acceptsLog(): bool
    {
        return ($this->caps & 0x4) !== 0 && $this->state === SessionState::Open;
    }

    public function onClose(Closure $listener): void
    {
        if ($this->state === SessionState::Closed) {
            $this->host->withSession($listener);
        } else {
            $this->closeListeners[] = $listener;
        }
    }

    // ---------------------------------------------------------------- handshake (§8.2)

    /** @throws ProtocolException HANDSHAKE_FAILED, AUTH_FAILED or UNSUPPORTED_VERSION */
    public function receiveHello(Message $message): void
    {
        if ($message->body === '') {
            throw new ProtocolException(ErrorCode::HandshakeFailed, 'malformed HELLO: empty body');
        }
        $hello = Hello::parse($message->body);
        if ($this->role === Role::Acceptor) {
            $token = $this->options->token;
            if ($token !== null && !hash_equals($token, $hello->token ?? "\0")) {
                throw new ProtocolException(
                    ErrorCode::AuthFailed,
                    $hello->token === null
                        ? 'authentication failed: this peer requires a token and the HELLO has none'
                        : 'authentication failed: wrong token',
                );
            }
            if (!in_array(FrameDescriptor::VERSION, $hello->versions, true)) {
                throw new ProtocolException(ErrorCode::UnsupportedVersion, sprintf(
                    'no common protocol version: the peer offers [%s], this peer speaks [1]',
                    implode(', ', $hello->versions),
                ));
            }
        } elseif ($hello->versions !== [FrameDescriptor::VERSION]) {
            throw new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
                'the acceptor chose versions [%s]; this peer offered [1]',
                implode(', ', $hello->versions),
            ));
        }
        $hello->checkNegotiable();
        $this->peer = $hello->peerInfo(FrameDescriptor::VERSION);
        $this->bodies->negotiate($this->peer);
        $this->caps = $hello->caps & $this->options->caps & 0x7;
        if ($this->role === Role::Acceptor) {
            $this->writer->hello($this->helloJson(FrameDescriptor::VERSION));
        }
        $this->reader->setMaxFrame($this->options->maxFrame);
        $this->state = SessionState::Open;
        if ($this->handshakeTimer !== null) {
            $this->loop->cancel($this->handshakeTimer);
            $this->handshakeTimer = null;
        }
        $this->writer->open($hello->maxFrame);
        $this->outbound->open($hello->maxInFlight);
        if ($this->options->frameStallTimeout > 0) {
            $this->stall = new FrameStall(
                $this->loop,
                $this->options->frameStallTimeout,
                fn (ProtocolException $e) => $this->abort($e, true),
            );
            $this->reader->watchStalls($this->stall->afterRead(...));
        }
        $interval = $this->heartbeatInterval();
        if ($interval > 0) {
            $this->heartbeat->start($this->reader, $interval, $this->options->heartbeatTimeout ?? 2 * $interval);
        }
        $this->host->withSession($this->opened->resolve(...));
    }

    private function helloJson(?int $chosenVersion): string
    {
        return (new Hello(
            [$chosenVersion ?? FrameDescriptor::VERSION],
            $this->options->peerName,
            $this->bodies->codecNames(),
            $this->bodies->compressionNames(),
            $this->options->maxFrame,
            $this->options->maxMessage,
            $this->options->maxInFlight,
            (int) round($this->heartbeatInterval() * 1000),
            $this->options->caps,
            $this->role === Role::Initiator ? $this->options->token : null,
            getmypid() ?: null,
        ))->toJson();
    }

    /** Seconds; 0 = off. */
    private function heartbeatInterval(): float
    {
        return $this->options->heartbeat ?? $this->defaultHeartbeat;
    }

    // ---------------------------------------------------------------- GOODBYE and the drain (§8.5)

    public function sendGoodbye(string $reason): void
    {
        $this->goodbyeSent = true;
        $this->state = SessionState::Draining;
        $this->writer->watchIdle($this->checkDrained(...));
        $this->outbound->refuseQueued();
        $this->writer->goodbye(Bodies::control(['reason' => $reason]));
        if ($this->drainTimer === null) {
            $this->drainTimer = $this->loop->delay($this->options->drainTimeout, function (): void {
                $this->drainTimer = null;
                $this->abort($this->transport->peerGone(sprintf(
                    'the GOODBYE drain did not finish within %.1f s',
                    $this->options->drainTimeout,
                )), false);
            });
        }
        $this->checkDrained();
    }

    public function receiveGoodbye(Message $message): void
    {
        $body = Bodies::controlJson($message->body, 16);
        $this->goodbyeReason = is_array($body) && is_string($body['reason'] ?? null) ? $body['reason'] : '';
        $this->goodbyeReceived = true;
        if (!$this->goodbyeSent) {
            $this->sendGoodbye('reply to the peer\'s GOODBYE');
        } else {
            $this->checkDrained();
        }
    }

    /** §8.5 step 4: both GOODBYEs exchanged and nothing in flight: end our direction. */
    private function checkDrained(): void
    {
        if (
            $this->state !== SessionState::Draining || !$this->goodbyeSent || !$this->goodbyeReceived
            || $this->outbound->hasPending() || !$this->inbound->isIdle() || $this->outputShut
        ) {
            return;
        }
        if (!$this->writer->isIdle()) {
            $this->writer->scheduleFlush();
            return;
        }
        $this->outputShut = true;
        $this->writer->close();
        if (!$this->transport->shutdownOutput()) {
            $this->finishClosed();
        }
    }

    /**
     * The peer ended its direction (or the transport did).
     *
     * @param string $strayNote what the peer wrote that was not frames, for the report of its end
     */
    public function onEndOfStream(string $truncated, string $strayNote = ''): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        if ($this->goodbyeReceived && $truncated === '' && $this->outbound->isIdle()) {
            $this->finishClosed();
            return;
        }
        $this->abort(
            $this->transport->peerGone('the peer closed the connection (end of stream)' . $truncated . $strayNote),
            false,
        );
    }

    private function finishClosed(): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        $this->state = SessionState::Closed;
        $this->release();
        $this->outbound->failAll(null);
        $this->inbound->cancelAll();
        $this->log->log('debug', sprintf(
            'session with %s closed after GOODBYE%s',
            $this->transport->description(),
            $this->goodbyeReason !== '' ? " ({$this->goodbyeReason})" : '',
        ));
        $this->opened->fail(new SessionClosedException('the session closed before the handshake completed'));
        $this->host->withSession($this->closed->resolve(...));
        $this->notifyClosed();
    }

    // ---------------------------------------------------------------- abrupt close (§7.3, §8.6)

    /**
     * Closes at once: optionally sends ERROR id 0, fails every outstanding call with the reason,
     * cancels running handlers and releases the transport.
     */
    public function abort(SessionClosedException $reason, bool $sendError): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        $this->state = SessionState::Closed;
        $this->closeReason = $reason;
        $code = ErrorCode::tryFrom($reason->getCode());
        $reported = $reason instanceof ProtocolException && $reason->isRemote();
        if ($sendError && $code !== null && $code->isSentOnWire() && !$this->outputShut && !$reported) {
            // Best effort: finish the frame being written, then the ERROR; never wait.
            $this->writer->fatalError(Bodies::errorBody($code->value, $reason->getMessage()));
        }
        $this->release();
        $this->log->log(match (true) {
            $reason::class === SessionClosedException::class => 'debug',
            // No warning when the application observes the close (close listener, calls in flight).
            $reason instanceof PeerGoneException
                && $this->closeListeners === [] && $this->outbound->isIdle() => 'warning',
            $reason instanceof PeerGoneException => 'debug',
            default => 'error',
        }, 'session closed: ' . $reason->getMessage());
        $this->outbound->failAll($reason);
        $this->inbound->cancelAll();
        $this->opened->fail($reason);
        $this->host->withSession($this->closed->resolve(...));
        $this->notifyClosed();
    }

    private function release(): void
    {
        foreach ([$this->readWatcher, $this->handshakeTimer, $this->drainTimer] as $key) {
            if ($key !== null) {
                $this->loop->cancel($key);
            }
        }
        $this->readWatcher = $this->handshakeTimer = $this->drainTimer = null;
        $this->reader->stop();
        $this->outputShut = true;
        $this->writer->close();
        $this->transport->close();
        $this->heartbeat->stop();
        $this->stall?->stop();
    }

    private function notifyClosed(): void
    {
        $listeners = $this->closeListeners;
        $this->closeListeners = [];
        foreach ($listeners as $listener) {
            try {
                $this->host->withSession($listener);
            } catch (\Throwable $e) {
                $this->log->log('error', 'a close listener failed: ' . $e->getMessage());
            }
        }
    }
}
