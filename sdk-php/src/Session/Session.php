<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Fiber;
use Parley\Codec\Codec;
use Parley\Codec\CodecException;
use Parley\Codec\Compression;
use Parley\Codec\DeflateCompression;
use Parley\Codec\JsonCodec;
use Parley\Codec\Payload;
use Parley\Codec\PhpSerializeCodec;
use Parley\Codec\RawCodec;
use Parley\Codec\ZstdCompression;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ErrorCode;
use Parley\Exception\HeartbeatTimeoutException;
use Parley\Exception\MessageRejectedException;
use Parley\Exception\OverloadedException;
use Parley\Exception\ParleyException;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Exception\RemoteException;
use Parley\Exception\RpcException;
use Parley\Exception\SessionClosedException;
use Parley\Exception\SessionException;
use Parley\Exception\ShuttingDownException;
use Parley\Frame\Frame;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameEncoder;
use Parley\Frame\FrameFlags;
use Parley\Frame\FrameKind;
use Parley\Transport\Role;
use Parley\Frame\MessageAssembler;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use Parley\Loop\FiberPool;
use Parley\Loop\Flushable;
use Parley\Transport\Transport;

use function array_keys;
use function array_shift;
use function array_values;
use function ceil;
use function count;
use function fwrite;
use function hash;
use function hrtime;
use function implode;
use function in_array;
use function is_array;
use function is_int;
use function is_object;
use function is_string;
use function json_decode;
use function json_encode;
use function max;
use function min;
use function pack;
use function preg_match;
use function sprintf;
use function str_starts_with;
use function strlen;
use function strncmp;
use function substr;
use function unpack;

/**
 * One Parley session over one transport: handshake, requests in both directions (many in flight,
 * answered in any order), notifications, progress, cancellation, deadlines, heartbeats, GOODBYE.
 *
 * Incoming requests run in Fibers, so a handler can call the other side and await the answer while
 * other requests proceed. Outgoing frames are queued and written in batches when the loop is about
 * to wait; incoming bytes are decoded by offset, many frames per read.
 *
 * ```php
 * $session->handle('add', fn (array $p) => $p[0] + $p[1]);
 * $sum = $session->call('add', [1, 2])->await();
 * ```
 */
final class Session implements Flushable
{
    /** Above this many queued bytes a sender waits for the transport (backpressure). */
    private const MAX_BUFFERED = 4 * 1048576;
    /** Largest single write attempt. */
    private const MAX_WRITE = 1048576;
    /** Frames smaller than this are coalesced into one write. */
    private const COALESCE = 262144;
    private const ERROR_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR
        | JSON_INVALID_UTF8_SUBSTITUTE;

    private SessionState $state = SessionState::Connecting;
    private readonly FrameDecoder $decoder;
    private readonly MessageAssembler $assembler;
    private readonly JsonCodec $json;
    private readonly bool $jsonAssoc;
    private readonly RawCodec $raw;
    /** @var array<int, Codec> codecs this peer decodes, by id */
    private array $codecsById = [];
    /** @var array<string, Codec> */
    private array $codecsByName = [];
    /** @var array<int, Compression> */
    private array $compressionsById = [];
    /** @var array<string, Compression> */
    private array $compressionsByName = [];

    private ?Hello $peerHello = null;
    private int $peerMaxFrame = FrameDescriptor::HANDSHAKE_MAX_FRAME;
    private int $peerMaxMessage = FrameDescriptor::DEFAULT_MAX_MESSAGE;
    private int $peerMaxInFlight = FrameDescriptor::DEFAULT_MAX_IN_FLIGHT;
    /** @var array<string, true> codec names the peer decodes */
    private array $peerCodecs = ['json' => true];
    /** @var array<string, true> */
    private array $peerCompressions = [];
    private ?Compression $autoCompression = null;
    private int $caps = 0;

    /** @var array<string, Closure> */
    private array $handlers = [];
    /** @var array<string, Closure> */
    private array $notificationHandlers = [];
    private ?Closure $fallbackNotificationHandler = null;
    /** @var list<Closure(Session): void> */
    private array $closeListeners = [];

    /** @var array<int, Call> outgoing requests by id, until their terminal frame */
    private array $pending = [];
    /** @var list<Call> calls waiting for the handshake or for a free slot under the peer's max_in_flight */
    private array $queuedCalls = [];
    private int $nextId = 1;
    /** @var array<int, RequestContext> incoming requests being processed */
    private array $incoming = [];
    /** @var array<int, true> ids of chunked requests cancelled before they were complete */
    private array $cancelledEarly = [];
    private readonly Closure $runHandler;
    private readonly FiberPool $fibers;

    /** @var list<string> frames not yet handed to the transport */
    private array $out = [];
    private int $outBytes = 0;
    private string $outChunk = '';
    private int $outOffset = 0;
    private int $writeSlice = 65536;
    private bool $flushScheduled = false;
    private ?int $writeWatcher = null;
    /** @var list<array{int, int, int, string, int, int, string}> messages to send once the handshake is complete */
    private array $afterHandshake = [];
    private ?Deferred $drained = null;

    private ?int $readWatcher = null;
    private ?int $handshakeTimer = null;
    private ?int $heartbeatTimer = null;
    private ?int $drainTimer = null;
    private int $lastReceived;
    private int $pingId = 0;
    private bool $goodbyeSent = false;
    private bool $goodbyeReceived = false;
    private string $goodbyeReason = '';
    private bool $writeClosed = false;
    private ?SessionException $closeReason = null;
    private readonly Deferred $opened;
    private readonly Deferred $closed;
    /** @var array<string, true> */
    private array $validMethods = [];
    /** @var array<int, Deferred> PINGs sent by {@see ping()}, by id */
    private array $pongs = [];
    private int $encodedCodec = 0;
    private int $encodedCompression = 0;

    private int $handled = 0;
    private int $answeredCancelled = 0;
    private int $answeredDeadline = 0;

    public function __construct(
        private readonly Transport $transport,
        private readonly Role $role,
        private readonly SessionOptions $options = new SessionOptions(),
        private readonly EventLoop $loop = new EventLoop(),
        private readonly int $defaultHeartbeatMs = 0,
    ) {
        $this->json = new JsonCodec($options->jsonObjectsAsArrays);
        $this->jsonAssoc = $options->jsonObjectsAsArrays;
        $this->raw = new RawCodec();
        $this->registerCodec($this->json);
        foreach ($options->codecs as $name) {
            $codec = match ($name) {
                'json' => null,
                'raw' => $this->raw,
                'php' => new PhpSerializeCodec($options->allowedClasses),
                default => throw new \InvalidArgumentException("unknown codec \"$name\": use json, raw or php"),
            };
            if ($codec !== null) {
                $this->registerCodec($codec);
            }
        }
        foreach ($options->compression ?? ['deflate', 'zstd'] as $name) {
            $compression = match ($name) {
                'deflate' => new DeflateCompression(),
                'zstd' => $options->compression === null
                    ? ZstdCompression::available()
                    : (ZstdCompression::available() ?? throw new \InvalidArgumentException(
                        'zstd compression is not available: ' . ZstdCompression::whyUnavailable(),
                    )),
                default => throw new \InvalidArgumentException("unknown compression \"$name\": use deflate or zstd"),
            };
            if ($compression !== null) {
                $this->compressionsById[$compression->id()] = $compression;
                $this->compressionsByName[$compression->name()] = $compression;
            }
        }
        $this->decoder = new FrameDecoder(
            FrameDescriptor::HANDSHAKE_MAX_FRAME,
            $options->maxStray,
            $this->onStray(...),
        );
        $this->assembler = new MessageAssembler($options->maxMessage);
        $this->runHandler = $this->runHandler(...);
        $this->fibers = $loop->fibers();
        $this->opened = new Deferred($loop);
        $this->closed = new Deferred($loop);
        $this->lastReceived = hrtime(true);

        $this->readWatcher = $loop->onReadable(
            $transport->readStream(),
            $this->onReadable(...),
            $transport->canBlockOnRead(),
        );
        $this->handshakeTimer = $loop->delay($options->handshakeTimeout, function (): void {
            $this->handshakeTimer = null;
            if ($this->state === SessionState::Connecting) {
                $this->abort(new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
                    'no HELLO from %s within %.1f s',
                    $this->transport->description(),
                    $this->options->handshakeTimeout,
                )), true);
            }
        });
        if ($role === Role::Initiator) {
            $this->enqueue($this->helloFrame(null));
        }
    }

    // ---------------------------------------------------------------- public API

    /**
     * Serves $method: `$handler(mixed $params, RequestContext $context): mixed`. The return value is
     * the result (a {@see Payload} to choose its codec); a thrown {@see RpcException} is answered
     * with its code, anything else with INTERNAL_ERROR.
     */
    public function handle(string $method, Closure $handler): self
    {
        $this->handlers[$method] = $handler;
        return $this;
    }

    /**
     * Listens to notifications of $method: `$listener(mixed $params, Session $session): void`.
     * Listeners run in order of arrival, in the loop; to wait inside one, start a task with
     * {@see EventLoop::async()}.
     */
    public function onNotification(string $method, Closure $listener): self
    {
        $this->notificationHandlers[$method] = $listener;
        return $this;
    }

    /** Listens to notifications no specific listener takes: `$listener(string $method, mixed $params)`. */
    public function onAnyNotification(Closure $listener): self
    {
        $this->fallbackNotificationHandler = $listener;
        return $this;
    }

    /** Runs $listener(Session) once the session is closed, cleanly or not ({@see closeReason()}). */
    public function onClose(Closure $listener): self
    {
        if ($this->state === SessionState::Closed) {
            $listener($this);
        } else {
            $this->closeListeners[] = $listener;
        }
        return $this;
    }

    /**
     * Sends a request. The returned {@see Call} completes with the result or fails with the peer's
     * ERROR ({@see RemoteException}) or a local outcome (deadline, cancel, session failure).
     *
     * @param float|null $timeout seconds; becomes the request's deadline (SPEC §6.4)
     * @param Closure(mixed): void|null $onProgress asks for progress (WANT_PROGRESS) and receives it
     * @param string|null $codec json (default), raw, php, or one the peer listed
     * @param string|null $compression force deflate or zstd; by default bodies over the threshold
     *                                 are compressed when the peer accepts it and it helps
     */
    public function call(
        string $method,
        mixed $params = null,
        ?float $timeout = null,
        ?Closure $onProgress = null,
        ?string $codec = null,
        ?string $compression = null,
    ): Call {
        if (!isset($this->validMethods[$method])) {
            $this->checkMethodName($method);
        }
        $call = new Call($this, $method);
        if ($onProgress !== null) {
            $call->onProgress = $onProgress;
        }
        if ($this->state !== SessionState::Open) {
            if ($this->state === SessionState::Closed) {
                $call->fail(new SessionClosedException(
                    sprintf('cannot call %s: the session is closed', $method),
                    $this->closeReason,
                ));
                return $call;
            }
            if ($this->state === SessionState::Draining) {
                $call->fail(new ShuttingDownException(sprintf(
                    'cannot call %s: the session is closing (GOODBYE %s)',
                    $method,
                    $this->goodbyeSent ? 'sent' : 'received',
                )));
                return $call;
            }
        }
        $timeout ??= $this->options->defaultTimeout;
        if ($timeout !== null) {
            if ($timeout <= 0) {
                $call->fail(
                    new DeadlineExceededException(sprintf('call %s: the deadline has already passed', $method)),
                );
                return $call;
            }
            $call->deadline = hrtime(true) / 1e9 + $timeout;
        }
        $flags = $onProgress !== null ? FrameFlags::WANT_PROGRESS : 0;
        if ($timeout !== null) {
            $call->timer = $this->loop->delay($timeout, fn () => $this->callExpired($call));
        }
        if ($this->state === SessionState::Connecting) {
            // Encoded once the peer's HELLO says which codecs and compressions it takes.
            $call->queued = [false, $flags, $params, $codec, $compression];
            $this->queuedCalls[] = $call;
            return $call;
        }
        $body = null;
        if ($codec === null && $compression === null && $params !== null && !is_object($params)) {
            // encodeParams(), inlined for small plain JSON params (no compression to consider).
            try {
                $body = json_encode($params, JsonCodec::ENCODE_FLAGS);
            } catch (\JsonException) {
                $body = null;
            }
            $small = $body !== null && strlen($body) < $this->options->compressionThreshold;
            if ($small && strlen($body) <= $this->peerMaxMessage) {
                $this->encodedCodec = FrameDescriptor::CODEC_JSON;
                $this->encodedCompression = 0;
            } else {
                $body = null;
            }
        }
        if ($body === null) {
            $body = $this->encodeParams($call, $params, $codec, $compression);
            if ($body === null) {
                return $call;
            }
        }
        if (count($this->pending) >= $this->peerMaxInFlight) {
            $call->queued = [true, $flags, $body, $this->encodedCodec, $this->encodedCompression];
            $this->queuedCalls[] = $call;
            return $call;
        }
        $this->sendRequest($call, $flags, $this->encodedCodec, $this->encodedCompression, $body);
        return $call;
    }

    /** Encodes a call's params, or fails the call and returns null. */
    private function encodeParams(Call $call, mixed $params, ?string $codec, ?string $compression): ?string
    {
        try {
            $body = $this->encode($params, $codec, $compression);
        } catch (\Throwable $e) {
            $this->failUnsent($call, $e instanceof ParleyException ? $e : new RpcException(
                sprintf('cannot encode the params of %s: %s', $call->method, $e->getMessage()),
                ErrorCode::InvalidParams->value,
                null,
                $e,
            ));
            return null;
        }
        if (strlen($body) > $this->peerMaxMessage) {
            $this->failUnsent($call, new RpcException(sprintf(
                'the params of %s are %d bytes encoded; the peer accepts at most %d (max_message)',
                $call->method,
                strlen($body),
                $this->peerMaxMessage,
            ), ErrorCode::MessageTooLarge->value));
            return null;
        }
        return $body;
    }

    private function failUnsent(Call $call, \Throwable $error): void
    {
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        $call->fail($error);
    }

    /**
     * Sends a notification (no answer of any kind, SPEC §6.7).
     *
     * @throws SessionClosedException|ShuttingDownException when the session is closed or closing
     */
    public function notify(
        string $method,
        mixed $params = null,
        ?string $codec = null,
        ?string $compression = null,
    ): void {
        if ($this->state !== SessionState::Open && $this->state !== SessionState::Connecting) {
            throw $this->state === SessionState::Closed
                ? new SessionClosedException("cannot notify $method: the session is closed", $this->closeReason)
                : new ShuttingDownException("cannot notify $method: the session is closing");
        }
        if (!isset($this->validMethods[$method])) {
            $this->checkMethodName($method);
        }
        if (
            $codec === null && $compression === null && $params !== null && !is_object($params)
            && $this->state === SessionState::Open
        ) {
            // Fast path for the most common notification: a plain value in JSON, one frame.
            try {
                $body = json_encode($params, JsonCodec::ENCODE_FLAGS);
            } catch (\JsonException $e) {
                throw new \InvalidArgumentException('value cannot be encoded as JSON: ' . $e->getMessage(), 0, $e);
            }
            $length = strlen($body);
            if ($length < $this->options->compressionThreshold && $length + strlen($method) <= $this->peerMaxFrame) {
                $head = pack(
                    FrameDescriptor::PACK_WORDS,
                    FrameDescriptor::MAGIC_WORD,
                    FrameDescriptor::VERSION_WORD | FrameKind::NOTIFICATION << 16,
                    0,
                    strlen($method) << 16 | FrameDescriptor::CODEC_JSON << 8,
                    $length,
                );
                $frame = $head . hash('crc32c', $head, true) . $method . $body;
                $this->out[] = $frame;
                $this->outBytes += strlen($frame);
                if (!$this->flushScheduled) {
                    $this->flushScheduled = true;
                    $this->loop->scheduleFlush($this);
                }
                if ($this->outBytes > self::MAX_BUFFERED) {
                    $this->waitForBufferSpace();
                }
                return;
            }
        }
        $body = $this->encode($params, $codec, $compression);
        if (strlen($body) > $this->peerMaxMessage) {
            throw new \LengthException(sprintf(
                'notification %s is %d bytes encoded; the peer accepts at most %d (max_message)',
                $method,
                strlen($body),
                $this->peerMaxMessage,
            ));
        }
        $this->sendMessage(
            FrameKind::NOTIFICATION,
            0,
            0,
            $method,
            $this->encodedCodec,
            $this->encodedCompression,
            $body,
        );
        if ($this->outBytes > self::MAX_BUFFERED) {
            $this->waitForBufferSpace();
        }
    }

    /**
     * Sends a `$/log` notification (SPEC §4.3) when the peer accepts them (capability LOG); otherwise
     * logs locally. Returns whether it was sent.
     */
    public function sendLog(string $level, string $message, ?string $source = null): bool
    {
        if (($this->caps & 0x4) === 0 || $this->state !== SessionState::Open) {
            $this->log($level === 'error' ? 'error' : 'warning', ($source !== null ? "[$source] " : '') . $message);
            return false;
        }
        $params = ['level' => $level, 'message' => $message];
        if ($source !== null) {
            $params['source'] = $source;
        }
        $this->sendMessage(
            FrameKind::NOTIFICATION,
            0,
            0,
            '$/log',
            FrameDescriptor::CODEC_JSON,
            0,
            (string) json_encode($params, self::ERROR_FLAGS),
        );
        return true;
    }

    /** @internal logs through the configured logger (default: warnings and errors to STDERR) */
    public function log(string $level, string $message): void
    {
        if ($this->options->logger !== null) {
            ($this->options->logger)($level, $message);
        } elseif ($level === 'warning' || $level === 'error') {
            @fwrite(STDERR, sprintf("parley %s: %s\n", $level, $message));
        }
    }

    /** Sends a PING and returns the round trip in seconds when the PONG arrives. */
    public function ping(string $body = ''): float
    {
        if (strlen($body) > FrameDescriptor::MAX_PING_BODY) {
            throw new \InvalidArgumentException('a PING body holds at most 64 bytes');
        }
        $this->awaitOpen();
        $id = $this->pingId = ($this->pingId % FrameDescriptor::MAX_ID) + 1;
        $pong = new Deferred($this->loop);
        $this->pongs[$id] = $pong;
        $start = hrtime(true);
        $this->enqueue(FrameEncoder::encode(FrameKind::PING, 0, $id, '', 0, 0, $body), true);
        try {
            $pong->await();
        } finally {
            unset($this->pongs[$id]);
        }
        return (hrtime(true) - $start) / 1e9;
    }

    /**
     * Closes gracefully (SPEC §8.5): sends GOODBYE, lets calls in flight in both directions finish,
     * then ends the transport. With $wait, returns once the session is closed (for a child process:
     * once it has exited). Inside a request handler of this session use `wait: false`.
     */
    public function close(string $reason = 'done', bool $wait = true): void
    {
        if ($this->state === SessionState::Connecting) {
            try {
                $this->awaitOpen();
            } catch (SessionException) {
                // Already closed.
            }
        }
        if ($this->state !== SessionState::Closed && !$this->goodbyeSent) {
            $this->sendGoodbye($reason);
        }
        if (!$wait || $this->insideOwnHandler()) {
            // A handler of this session cannot wait for the drain: the drain waits for it.
            return;
        }
        $this->closed->await();
        $this->awaitTransportFinished();
    }

    private function insideOwnHandler(): bool
    {
        $fiber = Fiber::getCurrent();
        if ($fiber === null) {
            return false;
        }
        foreach ($this->incoming as $context) {
            if ($context->fiber === $fiber) {
                return true;
            }
        }
        return false;
    }

    /** Closes at once without GOODBYE: pending calls fail with SESSION_CLOSED. */
    public function abortNow(string $reason = 'closed by the application'): void
    {
        $this->abort(new SessionClosedException($reason), false);
    }

    /** Serves until the session is closed (a worker's main loop). */
    public function run(): void
    {
        $this->closed->await();
    }

    /**
     * Waits for the handshake; returns the session.
     *
     * @throws SessionException when the handshake failed
     */
    public function awaitOpen(): self
    {
        $this->opened->await();
        return $this;
    }

    /** Completes when the session is closed, whatever the reason (never fails). */
    public function closed(): Deferred
    {
        return $this->closed;
    }

    public function state(): SessionState
    {
        return $this->state;
    }

    public function isOpen(): bool
    {
        return $this->state === SessionState::Open;
    }

    /** Null while open or after a clean GOODBYE close; the failure otherwise. */
    public function closeReason(): ?SessionException
    {
        return $this->closeReason;
    }

    /** Whether the session ended by a completed GOODBYE exchange. */
    public function closedCleanly(): bool
    {
        return $this->state === SessionState::Closed && $this->closeReason === null;
    }

    /** The peer's HELLO, once the handshake is complete. */
    public function peerHello(): ?Hello
    {
        return $this->peerHello;
    }

    public function role(): Role
    {
        return $this->role;
    }

    public function transport(): Transport
    {
        return $this->transport;
    }

    public function loop(): EventLoop
    {
        return $this->loop;
    }

    public function options(): SessionOptions
    {
        return $this->options;
    }

    /** Whether the peer decodes this codec (json always). */
    public function peerAccepts(string $codecOrCompression): bool
    {
        return isset($this->peerCodecs[$codecOrCompression]) || isset($this->peerCompressions[$codecOrCompression]);
    }

    /**
     * @return array{in_flight: int, handled: int, cancelled: int, deadline_exceeded: int, pending_calls: int}
     */
    public function stats(): array
    {
        return [
            'in_flight' => count($this->incoming),
            'handled' => $this->handled,
            'cancelled' => $this->answeredCancelled,
            'deadline_exceeded' => $this->answeredDeadline,
            'pending_calls' => count($this->pending) + count($this->queuedCalls),
        ];
    }

    /**
     * Writes bytes that are not a frame between two frames. For tests of stray-byte handling only.
     *
     * @internal
     */
    public function writeRawBetweenFrames(string $bytes): void
    {
        $this->enqueue($bytes);
    }

    /** Writes queued frames now, as far as the transport takes them without blocking. */
    public function flush(): void
    {
        $this->flushScheduled = false;
        if ($this->writeWatcher !== null || $this->writeClosed) {
            return;
        }
        if ($this->outChunk === '' && $this->outBytes <= self::MAX_WRITE && count($this->out) === 1) {
            // One small frame queued (a call or an answer): write it, most likely whole.
            $frame = $this->out[0];
            $this->out = [];
            try {
                $written = $this->transport->write($frame);
            } catch (PeerGoneException $e) {
                $this->outBytes = 0;
                $this->abort($e, false);
                return;
            }
            $this->outBytes -= $written;
            if ($written === strlen($frame)) {
                if ($this->drained !== null || $this->state === SessionState::Draining) {
                    $this->afterFlush();
                }
                return;
            }
            $this->outChunk = $frame;
            $this->outOffset = $written;
        }
        while (true) {
            if ($this->outChunk === '') {
                if ($this->out === []) {
                    break;
                }
                if (count($this->out) === 1 || strlen($this->out[0]) >= self::COALESCE) {
                    $this->outChunk = array_shift($this->out);
                } else {
                    $size = 0;
                    $take = 0;
                    foreach ($this->out as $frame) {
                        $size += strlen($frame);
                        $take++;
                        if ($size >= self::COALESCE) {
                            break;
                        }
                    }
                    if ($take === count($this->out)) {
                        $this->outChunk = implode('', $this->out);
                        $this->out = [];
                    } else {
                        $this->outChunk = implode('', array_splice($this->out, 0, $take));
                    }
                }
                $this->outOffset = 0;
            }
            $length = strlen($this->outChunk) - $this->outOffset;
            $slice = $this->outOffset === 0 && $length <= self::MAX_WRITE
                ? $this->outChunk
                : substr($this->outChunk, $this->outOffset, min($length, $this->writeSlice));
            try {
                $written = $this->transport->write($slice);
            } catch (PeerGoneException $e) {
                $this->out = [];
                $this->outChunk = '';
                $this->outBytes = 0;
                $this->abort($e, false);
                return;
            }
            $this->outOffset += $written;
            $this->outBytes -= $written;
            if ($this->outOffset >= strlen($this->outChunk)) {
                $this->outChunk = '';
                $this->outOffset = 0;
            }
            if ($written < strlen($slice)) {
                $this->writeSlice = min(self::MAX_WRITE, max(65536, 2 * $written));
                $this->writeWatcher = $this->loop->onWritable($this->transport->writeStream(), function (): void {
                    $this->loop->cancel((int) $this->writeWatcher);
                    $this->writeWatcher = null;
                    $this->flush();
                });
                return;
            }
        }
        $this->afterFlush();
    }

    private function afterFlush(): void
    {
        if ($this->drained !== null) {
            $drained = $this->drained;
            $this->drained = null;
            $drained->resolve();
        }
        if ($this->state === SessionState::Draining) {
            $this->checkDrained();
        }
    }

    // ---------------------------------------------------------------- internal API for Call and RequestContext

    /** @internal a Call was cancelled or timed out locally: CANCEL it, keep its id until the answer */
    public function callAbandoned(Call $call): void
    {
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        if ($call->queued !== null) {
            $call->queued = null;
            $this->queuedCalls = array_values(array_filter($this->queuedCalls, static fn (Call $c) => $c !== $call));
            return;
        }
        if (
            $call->id !== 0 && !$call->cancelSent && isset($this->pending[$call->id])
            && $this->state !== SessionState::Closed
        ) {
            $call->cancelSent = true;
            $this->enqueue(FrameEncoder::encode(FrameKind::CANCEL, 0, $call->id, '', 0, 0, ''), true);
        }
    }

    /** @internal */
    public function sendProgress(RequestContext $context, mixed $value): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        $codec = $context->codec() === RawCodec::NAME && !is_string($value) ? null : $context->codec();
        $body = $this->encode($value, isset($this->peerCodecs[$codec ?? 'json']) ? $codec : null, null);
        $this->sendMessage(
            FrameKind::PROGRESS,
            0,
            $context->id,
            '',
            $this->encodedCodec,
            $this->encodedCompression,
            $body,
        );
    }

    // ---------------------------------------------------------------- reading

    private function onReadable(): void
    {
        $data = $this->transport->read();
        if ($data === null) {
            $this->onEndOfStream();
            return;
        }
        if ($data === '') {
            return;
        }
        if ($this->heartbeatTimer !== null) {
            $this->lastReceived = hrtime(true);
        }
        $this->decoder->feed($data);
        while ($this->state !== SessionState::Closed) {
            try {
                while (($frame = $this->decoder->next()) !== null) {
                    $message = $this->assembler->push($frame);
                    if ($message === null) {
                        if ($frame->kind > FrameKind::GOODBYE || $frame->kind === 0) {
                            $this->log('debug', sprintf('skipped a frame of %s', FrameKind::describe($frame->kind)));
                        }
                        continue;
                    }
                    if ($this->state === SessionState::Open) {
                        if ($message->kind === FrameKind::RESPONSE) {
                            $this->receiveResponse($message);
                        } elseif ($message->kind === FrameKind::REQUEST) {
                            $this->receiveRequest($message);
                        } else {
                            $this->dispatch($message);
                        }
                    } else {
                        $this->dispatchOutsideOpen($message);
                    }
                    if ($this->state === SessionState::Closed) {
                        return;
                    }
                }
                return;
            } catch (MessageRejectedException $e) {
                $this->onRejected($e);
            } catch (SessionException $e) {
                $this->abort($e, true);
                return;
            }
        }
    }

    private function dispatch(Frame $message): void
    {
        switch ($message->kind) {
            case FrameKind::RESPONSE:
                $this->receiveResponse($message);
                return;
            case FrameKind::REQUEST:
                $this->receiveRequest($message);
                return;
            case FrameKind::NOTIFICATION:
                $this->receiveNotification($message);
                return;
            case FrameKind::ERROR:
                $this->receiveError($message);
                return;
            case FrameKind::PROGRESS:
                $this->receiveProgress($message);
                return;
            case FrameKind::CANCEL:
                $this->receiveCancel($message);
                return;
            case FrameKind::PING:
                $this->enqueue(FrameEncoder::encode(
                    FrameKind::PONG,
                    0,
                    $message->id,
                    '',
                    0,
                    0,
                    $message->body,
                ), true);
                return;
            case FrameKind::PONG:
                if (isset($this->pongs[$message->id])) {
                    $this->pongs[$message->id]->resolve();
                }
                return;
            case FrameKind::GOODBYE:
                $this->receiveGoodbye($message);
                return;
            case FrameKind::HELLO:
                throw new ProtocolException(ErrorCode::ProtocolError, 'a second HELLO after the handshake');
        }
    }

    private function dispatchOutsideOpen(Frame $message): void
    {
        if ($this->state === SessionState::Draining) {
            $this->dispatch($message);
            return;
        }
        // Connecting: only HELLO, or a fatal ERROR with id 0 (§8.2).
        if ($message->kind === FrameKind::HELLO) {
            $this->receiveHello($message);
            return;
        }
        if ($message->kind === FrameKind::ERROR && $message->id === 0) {
            $this->receiveError($message);
            return;
        }
        throw new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
            'received %s before the HELLO; the handshake must come first',
            FrameKind::describe($message->kind),
        ));
    }

    private function onEndOfStream(): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        $truncated = '';
        try {
            $this->decoder->finish();
        } catch (SessionException $e) {
            $truncated = '; ' . $e->getMessage();
        }
        if ($this->goodbyeReceived && $truncated === '' && $this->pending === [] && $this->queuedCalls === []) {
            $this->finishClosed();
            return;
        }
        $this->abort($this->transport->peerGone('the peer closed the connection (end of stream)' . $truncated), false);
    }

    private function onStray(string $bytes): void
    {
        if ($this->options->onStray !== null) {
            ($this->options->onStray)($bytes);
        }
        $shown = substr($bytes, 0, FrameDescriptor::STRAY_REPORT_BYTES);
        $this->log('warning', sprintf(
            'skipped %d stray bytes from %s (not Parley frames): %s%s',
            strlen($bytes),
            $this->transport->description(),
            json_encode($shown, self::ERROR_FLAGS),
            strlen($bytes) > strlen($shown) ? ' ...' : '',
        ));
    }

    private function onRejected(MessageRejectedException $e): void
    {
        if ($e->kind === FrameKind::REQUEST && $this->state !== SessionState::Connecting) {
            $this->handled++;
            $this->sendError($e->id, $e->getCode(), $e->getMessage());
            return;
        }
        if ($this->state === SessionState::Connecting) {
            $this->abort(new ProtocolException(ErrorCode::HandshakeFailed, sprintf(
                'received %s before the HELLO; the handshake must come first',
                FrameKind::describe($e->kind),
            )), true);
            return;
        }
        $this->log('warning', 'dropped a malformed notification: ' . $e->getMessage());
    }

    // ---------------------------------------------------------------- handshake

    private function helloFrame(?int $chosenVersion): string
    {
        $hello = new Hello(
            [$chosenVersion ?? FrameDescriptor::VERSION],
            $this->options->peerName,
            array_keys($this->codecsByName),
            array_keys($this->compressionsByName),
            $this->options->maxFrame,
            $this->options->maxMessage,
            $this->options->maxInFlight,
            $this->heartbeatMs(),
            $this->options->caps,
            $this->role === Role::Initiator ? $this->options->token : null,
            getmypid() ?: null,
        );
        return FrameEncoder::encode(
            FrameKind::HELLO,
            0,
            0,
            '',
            FrameDescriptor::CODEC_JSON,
            0,
            $hello->toJson(),
        );
    }

    private function receiveHello(Frame $message): void
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
        $this->peerHello = $hello;
        $this->peerMaxFrame = $hello->maxFrame;
        $this->peerMaxMessage = $hello->maxMessage;
        $this->peerMaxInFlight = $hello->maxInFlight;
        $this->peerCodecs = array_fill_keys($hello->codecs, true);
        $this->peerCompressions = array_fill_keys($hello->compression, true);
        foreach ([ZstdCompression::NAME, DeflateCompression::NAME] as $name) {
            if (isset($this->peerCompressions[$name], $this->compressionsByName[$name])) {
                $this->autoCompression = $this->compressionsByName[$name];
                break;
            }
        }
        $this->caps = $hello->caps & $this->options->caps & 0x7;
        if ($this->role === Role::Acceptor) {
            $this->enqueue($this->helloFrame(FrameDescriptor::VERSION));
        }
        $this->decoder->setMaxFrame($this->options->maxFrame);
        $this->state = SessionState::Open;
        if ($this->handshakeTimer !== null) {
            $this->loop->cancel($this->handshakeTimer);
            $this->handshakeTimer = null;
        }
        $messages = $this->afterHandshake;
        $this->afterHandshake = [];
        foreach ($messages as $message) {
            $this->sendMessage(...$message);
        }
        $this->sendQueuedCalls();
        $heartbeat = $this->heartbeatMs();
        if ($heartbeat > 0) {
            $this->lastReceived = hrtime(true);
            $this->heartbeatTimer = $this->loop->repeat($heartbeat / 1000, $this->heartbeat(...));
        }
        $this->opened->resolve($this);
    }

    private function heartbeatMs(): int
    {
        return $this->options->heartbeatMs ?? $this->defaultHeartbeatMs;
    }

    private function heartbeat(): void
    {
        $interval = $this->heartbeatMs();
        $idleMs = (hrtime(true) - $this->lastReceived) / 1e6;
        $limit = $this->options->heartbeatTimeoutMs ?? 2 * $interval;
        if ($idleMs >= $limit) {
            $this->abort(new HeartbeatTimeoutException(sprintf(
                'no frame from %s for %d ms (heartbeat every %d ms, timeout %d ms); the peer is unresponsive',
                $this->transport->description(),
                (int) $idleMs,
                $interval,
                $limit,
            )), false);
            return;
        }
        if ($idleMs >= $interval - 1) {
            $this->pingId = ($this->pingId % FrameDescriptor::MAX_ID) + 1;
            $this->enqueue(FrameEncoder::encode(FrameKind::PING, 0, $this->pingId, '', 0, 0, ''), true);
        }
    }

    // ---------------------------------------------------------------- incoming messages

    private function receiveRequest(Frame $message): void
    {
        $id = $message->id;
        if (isset($this->incoming[$id])) {
            throw new ProtocolException(ErrorCode::ProtocolError, sprintf(
                'duplicate request id %d: a request with this id is still being processed',
                $id,
            ));
        }
        $meta = $message->meta;
        $method = substr($meta, 4);
        if ($this->goodbyeSent) {
            $this->answerNow($id, ErrorCode::ShuttingDown, sprintf(
                'request %s arrived after this peer sent GOODBYE; it was not processed',
                $method,
            ));
            return;
        }
        if ($this->cancelledEarly !== [] && isset($this->cancelledEarly[$id])) {
            unset($this->cancelledEarly[$id]);
            $this->answeredCancelled++;
            $this->answerNow($id, ErrorCode::Cancelled, "request $method was cancelled before it was complete");
            return;
        }
        if (count($this->incoming) >= $this->options->maxInFlight) {
            $this->answerNow($id, ErrorCode::Overloaded, sprintf(
                'request %s refused: %d requests are already in progress (max_in_flight); retry later',
                $method,
                $this->options->maxInFlight,
            ));
            return;
        }
        $handler = $this->handlers[$method] ?? null;
        if ($handler === null) {
            $this->answerNow($id, ErrorCode::MethodNotFound, "method not found: $method");
            return;
        }
        try {
            if ($message->body === '') {
                $params = null;
            } elseif ($message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0) {
                try {
                    $params = json_decode($message->body, $this->jsonAssoc, 512, JSON_THROW_ON_ERROR);
                } catch (\JsonException $e) {
                    throw new CodecException('body is not valid JSON: ' . $e->getMessage(), $e);
                }
            } else {
                $params = $this->decode($message);
            }
        } catch (RpcException $e) {
            $this->answerNow($id, $e->errorCode() ?? ErrorCode::ParseError, sprintf(
                'cannot decode the params of %s: %s',
                $method,
                $e->getMessage(),
            ));
            return;
        }
        $context = new RequestContext($this, $id, $method, $params, $handler);
        $this->incoming[$id] = $context;
        $flags = $message->flags;
        $codec = $message->codec;
        $hasDeadline = strncmp($meta, "\0\0\0\0", 4) !== 0;
        if ($flags !== 0 || $hasDeadline || ($codec !== FrameDescriptor::CODEC_JSON && $message->body !== '')) {
            $deadline = 0.0;
            if ($hasDeadline) {
                $deadline = hrtime(true) / 1e9 + unpack('N', $meta)[1] / 1000;
                $context->timer = $this->loop->delay(
                    max(0.0, $deadline - hrtime(true) / 1e9),
                    static function () use ($context): void {
                        $context->timer = null;
                        $context->cancel(RequestContext::DEADLINE);
                    },
                );
            }
            $context->plain = false;
            $context->configure(
                $deadline,
                ($flags & FrameFlags::WANT_PROGRESS) !== 0,
                $message->body === '' ? JsonCodec::NAME : $this->codecsById[$codec]->name(),
            );
        }
        $this->fibers->run($this->runHandler, $context);
    }

    private function runHandler(RequestContext $context): void
    {
        $context->fiber = Fiber::getCurrent();
        try {
            $result = ($context->handler)($context->params, $context);
            $context->fiber = null;
            $this->finishRequest($context, $result, null);
        } catch (\Throwable $e) {
            $context->fiber = null;
            $this->finishRequest($context, null, $e);
        }
    }

    private function finishRequest(RequestContext $context, mixed $result, ?\Throwable $error): void
    {
        $id = $context->id;
        if (($this->incoming[$id] ?? null) === $context) {
            unset($this->incoming[$id]);
        }
        if ($context->timer !== null) {
            $this->loop->cancel($context->timer);
            $context->timer = null;
        }
        if ($context->answered || $this->state === SessionState::Closed) {
            return;
        }
        $context->answered = true;
        if (
            $error === null && $result !== null && !is_object($result) && $context->plain
            && $this->state === SessionState::Open
        ) {
            // Fast path: a plain JSON result of a plain request, one frame.
            try {
                $body = json_encode($result, JsonCodec::ENCODE_FLAGS);
                $length = strlen($body);
                if ($length < $this->options->compressionThreshold && $length <= $this->peerMaxFrame) {
                    $head = pack(
                        FrameDescriptor::PACK_WORDS,
                        FrameDescriptor::MAGIC_WORD,
                        FrameDescriptor::VERSION_WORD | FrameKind::RESPONSE << 16,
                        $id,
                        FrameDescriptor::CODEC_JSON << 8,
                        $length,
                    );
                    $frame = $head . hash('crc32c', $head, true) . $body;
                    $this->out[] = $frame;
                    $this->outBytes += strlen($frame);
                    if (!$this->flushScheduled) {
                        $this->flushScheduled = true;
                        $this->loop->scheduleFlush($this);
                    }
                    $this->handled++;
                    return;
                }
            } catch (\JsonException) {
                // Answered below with INTERNAL_ERROR.
            }
        }
        if ($error === null && $context->cancelReason() === RequestContext::DEADLINE) {
            $error = new DeadlineExceededException(sprintf(
                'request %s exceeded its deadline; the late result was discarded',
                $context->method,
            ));
        }
        if ($error === null) {
            try {
                if ($result instanceof Payload) {
                    $body = $this->encode($result, null, null);
                } else {
                    $codec = $context->codec();
                    if ($codec === JsonCodec::NAME || $result === null) {
                        $body = $this->encode($result, null, null);
                    } else {
                        $usable = isset($this->peerCodecs[$codec]) && ($codec !== RawCodec::NAME || is_string($result));
                        $body = $this->encode($result, $usable ? $codec : null, null);
                    }
                }
                if (strlen($body) > $this->peerMaxMessage) {
                    throw new RpcException(sprintf(
                        'the result of %s is %d bytes encoded; the caller accepts at most %d (max_message)',
                        $context->method,
                        strlen($body),
                        $this->peerMaxMessage,
                    ), ErrorCode::InternalError->value);
                }
                $this->handled++;
                $this->sendMessage(
                    FrameKind::RESPONSE,
                    0,
                    $id,
                    '',
                    $this->encodedCodec,
                    $this->encodedCompression,
                    $body,
                );
            } catch (\Throwable $e) {
                $error = $e;
            }
        }
        if ($error !== null) {
            $this->handled++;
            [$code, $message, $data] = $this->describeFailure($error, $context->method);
            if ($code === ErrorCode::Cancelled->value) {
                $this->answeredCancelled++;
            } elseif ($code === ErrorCode::DeadlineExceeded->value) {
                $this->answeredDeadline++;
            }
            $this->sendError($id, $code, $message, $data);
        }
        if ($this->state === SessionState::Draining) {
            $this->checkDrained();
        }
    }

    /** @return array{int, string, mixed} code, message, data */
    private function describeFailure(\Throwable $error, string $method): array
    {
        if ($error instanceof RpcException) {
            $code = $error->getCode();
            $known = ErrorCode::tryFrom($code);
            if ($known === null || ($known->isSentOnWire() && !$known->closesSession())) {
                return [$code, $error->getMessage(), $error->getData()];
            }
        }
        $json = $error instanceof \JsonException || $error->getPrevious() instanceof \JsonException;
        if ($json) {
            return [
                ErrorCode::InternalError->value,
                sprintf('the result of %s cannot be encoded: %s', $method, $error->getMessage()),
                null,
            ];
        }
        return [
            ErrorCode::InternalError->value,
            sprintf('%s failed: %s: %s', $method, $error::class, $error->getMessage()),
            ['exception' => $error::class],
        ];
    }

    /** Answers a request that never reached a handler. */
    private function answerNow(int $id, ErrorCode $code, string $message): void
    {
        $this->handled++;
        $this->sendError($id, $code->value, $message);
    }

    private function receiveResponse(Frame $message): void
    {
        $call = $this->pending[$message->id] ?? null;
        if ($call === null) {
            $this->log('debug', sprintf('ignored a RESPONSE for id %d: no such call is outstanding', $message->id));
            return;
        }
        unset($this->pending[$message->id]);
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        if ($message->body === '') {
            $call->complete(null);
        } elseif ($message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0) {
            // decode(), inlined for the common JSON answer.
            try {
                $call->complete(json_decode($message->body, $this->jsonAssoc, 512, JSON_THROW_ON_ERROR));
            } catch (\JsonException $e) {
                $call->fail(new CodecException('result is not valid JSON: ' . $e->getMessage(), $e));
            }
        } elseif (!$call->isDone()) {
            try {
                $call->complete($this->decode($message));
            } catch (RpcException $e) {
                $call->fail($e);
            }
        }
        if ($this->queuedCalls !== []) {
            $this->sendQueuedCalls();
        }
        if ($this->state === SessionState::Draining) {
            $this->checkDrained();
        }
    }

    private function receiveError(Frame $message): void
    {
        $error = null;
        if ($message->body !== '') {
            try {
                $error = json_decode($message->body, true, 64, JSON_THROW_ON_ERROR);
            } catch (\JsonException) {
                $error = null;
            }
        }
        $valid = is_array($error) && is_int($error['code'] ?? null) && is_string($error['message'] ?? null);
        if ($message->id === 0) {
            $code = $valid ? $error['code'] : ErrorCode::ProtocolError->value;
            $known = ErrorCode::tryFrom($code);
            if ($known === null || !$known->closesSession()) {
                $code = ErrorCode::ProtocolError->value;
            }
            throw new ProtocolException(
                $code,
                'the peer closed the session with ERROR: ' . ($valid ? $error['message'] : $message->body),
                true,
                $valid ? ($error['data'] ?? null) : null,
            );
        }
        $call = $this->pending[$message->id] ?? null;
        if ($call === null) {
            $this->log('debug', sprintf('ignored an ERROR for id %d: no such call is outstanding', $message->id));
            return;
        }
        unset($this->pending[$message->id]);
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        if (!$call->isDone()) {
            if (!$valid) {
                $call->fail(new CodecException('malformed ERROR body from the peer: ' . $message->body));
            } else {
                $call->fail(self::remoteError($error['code'], $error['message'], $error['data'] ?? null));
            }
        }
        if ($this->queuedCalls !== []) {
            $this->sendQueuedCalls();
        }
        if ($this->state === SessionState::Draining) {
            $this->checkDrained();
        }
    }

    private static function remoteError(int $code, string $message, mixed $data): RpcException
    {
        return match (ErrorCode::tryFrom($code)) {
            ErrorCode::Cancelled => new CancelledException($message, $data, true),
            ErrorCode::DeadlineExceeded => new DeadlineExceededException($message, $data, true),
            ErrorCode::Overloaded => new OverloadedException($message, $data, true),
            ErrorCode::ShuttingDown => new ShuttingDownException($message, $data, true),
            default => new RemoteException($message, $code, $data),
        };
    }

    private function receiveProgress(Frame $message): void
    {
        $call = $this->pending[$message->id] ?? null;
        if ($call === null || $call->isDone() || $call->onProgress === null) {
            return;
        }
        try {
            $value = $message->body === '' ? null : $this->decode($message);
        } catch (RpcException $e) {
            $this->log('warning', sprintf('dropped a PROGRESS of %s: %s', $call->method, $e->getMessage()));
            return;
        }
        $this->loop->listenerDepth++;
        try {
            ($call->onProgress)($value);
        } catch (\Throwable $e) {
            $this->log('error', sprintf('the progress listener of %s failed: %s', $call->method, $e->getMessage()));
        } finally {
            $this->loop->listenerDepth--;
        }
    }

    private function receiveCancel(Frame $message): void
    {
        $context = $this->incoming[$message->id] ?? null;
        if ($context !== null) {
            $context->cancel(RequestContext::CANCELLED);
            return;
        }
        if ($this->assembler->inProgress() === [FrameKind::REQUEST, $message->id]) {
            $this->cancelledEarly[$message->id] = true;
        }
    }

    private function receiveNotification(Frame $message): void
    {
        $method = $message->meta;
        $listener = $this->notificationHandlers[$method] ?? null;
        if ($listener === null) {
            if (str_starts_with($method, '$/')) {
                if ($method === '$/log') {
                    $this->receiveLog($message);
                }
                return;
            }
            if ($this->fallbackNotificationHandler === null) {
                $this->log('debug', "dropped notification $method: no listener");
                return;
            }
        }
        try {
            if ($message->body === '') {
                $params = null;
            } elseif ($message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0) {
                $params = json_decode($message->body, $this->jsonAssoc, 512, JSON_THROW_ON_ERROR);
            } else {
                $params = $this->decode($message);
            }
        } catch (RpcException | \JsonException $e) {
            $this->log('warning', sprintf('dropped notification %s: %s', $method, $e->getMessage()));
            return;
        }
        $this->loop->listenerDepth++;
        try {
            if ($listener !== null) {
                $listener($params, $this);
            } else {
                ($this->fallbackNotificationHandler)($method, $params);
            }
        } catch (\Throwable $e) {
            $this->log(
                'error',
                sprintf('the listener of notification %s failed: %s: %s', $method, $e::class, $e->getMessage()),
            );
        } finally {
            $this->loop->listenerDepth--;
        }
    }

    private function receiveLog(Frame $message): void
    {
        try {
            $entry = $message->body === '' ? null : $this->json->decode($message->body);
        } catch (RpcException) {
            $entry = null;
        }
        $entry = is_array($entry) ? $entry : (is_object($entry) ? (array) $entry : []);
        $level = is_string($entry['level'] ?? null) ? $entry['level'] : 'info';
        $text = is_string($entry['message'] ?? null) ? $entry['message'] : '';
        $source = is_string($entry['source'] ?? null) ? $entry['source'] : null;
        if ($this->options->onLog !== null) {
            ($this->options->onLog)($level, $text, $source);
            return;
        }
        $this->log($level, sprintf('[peer%s] %s', $source !== null ? " $source" : '', $text));
    }

    private function receiveGoodbye(Frame $message): void
    {
        $reason = '';
        if ($message->body !== '') {
            try {
                $body = json_decode($message->body, true, 16, JSON_THROW_ON_ERROR);
                $reason = is_array($body) && is_string($body['reason'] ?? null) ? $body['reason'] : '';
            } catch (\JsonException) {
                $reason = '';
            }
        }
        $this->goodbyeReceived = true;
        $this->goodbyeReason = $reason;
        if (!$this->goodbyeSent) {
            $this->sendGoodbye('reply to the peer\'s GOODBYE');
        } else {
            $this->checkDrained();
        }
    }

    // ---------------------------------------------------------------- closing

    private function sendGoodbye(string $reason): void
    {
        $this->goodbyeSent = true;
        $this->state = SessionState::Draining;
        $queued = $this->queuedCalls;
        $this->queuedCalls = [];
        foreach ($queued as $call) {
            $call->queued = null;
            if ($call->timer !== null) {
                $this->loop->cancel($call->timer);
            }
            $call->fail(
                new ShuttingDownException(sprintf('call %s was not sent: the session is closing', $call->method)),
            );
        }
        $this->sendMessage(
            FrameKind::GOODBYE,
            0,
            0,
            '',
            FrameDescriptor::CODEC_JSON,
            0,
            json_encode(['reason' => $reason], self::ERROR_FLAGS),
        );
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

    /** §8.5 step 4: both GOODBYEs exchanged and nothing in flight: end our direction. */
    private function checkDrained(): void
    {
        if (
            $this->state !== SessionState::Draining || !$this->goodbyeSent || !$this->goodbyeReceived
            || $this->pending !== [] || $this->incoming !== [] || $this->writeClosed
        ) {
            return;
        }
        if ($this->outBytes > 0 || $this->outChunk !== '') {
            $this->scheduleFlush();
            return;
        }
        $this->writeClosed = true;
        if (!$this->transport->shutdownOutput()) {
            $this->finishClosed();
        }
    }

    private function finishClosed(): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        $this->state = SessionState::Closed;
        $this->release();
        foreach ($this->pending as $call) {
            $call->fail(new SessionClosedException(sprintf('call %s: the session closed', $call->method)));
        }
        $this->pending = [];
        foreach ($this->incoming as $context) {
            $context->cancel(RequestContext::CANCELLED);
        }
        $this->log('debug', sprintf(
            'session with %s closed after GOODBYE%s',
            $this->transport->description(),
            $this->goodbyeReason !== '' ? " ({$this->goodbyeReason})" : '',
        ));
        $this->opened->fail(new SessionClosedException('the session closed before the handshake completed'));
        $this->closed->resolve($this);
        $this->notifyClosed();
    }

    /**
     * Abrupt close (SPEC §7.3, §8.6): optionally sends ERROR id 0, fails every outstanding call with
     * the reason, cancels running handlers and releases the transport.
     */
    private function abort(SessionException $reason, bool $sendError): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        $this->state = SessionState::Closed;
        $this->closeReason = $reason;
        $code = ErrorCode::tryFrom($reason->getCode());
        $reported = $reason instanceof ProtocolException && $reason->isRemote();
        if ($sendError && $code !== null && $code->isSentOnWire() && !$this->writeClosed && !$reported) {
            // Best effort: finish the frame being written, then the ERROR; never wait.
            $this->out = [FrameEncoder::encode(
                FrameKind::ERROR,
                0,
                0,
                '',
                FrameDescriptor::CODEC_JSON,
                0,
                json_encode(['code' => $code->value, 'message' => $reason->getMessage()], self::ERROR_FLAGS),
            )];
            $this->outBytes = strlen($this->out[0]) + strlen($this->outChunk) - $this->outOffset;
            if ($this->writeWatcher !== null) {
                $this->loop->cancel($this->writeWatcher);
                $this->writeWatcher = null;
            }
            try {
                for ($attempt = 0; $attempt < 3 && ($this->out !== [] || $this->outChunk !== ''); $attempt++) {
                    $this->flushOnce();
                }
            } catch (\Throwable) {
                // The transport is broken too.
            }
        }
        $this->release();
        $this->log(match (true) {
            $reason instanceof SessionClosedException => 'debug',
            $reason instanceof PeerGoneException => 'warning',
            default => 'error',
        }, 'session closed: ' . $reason->getMessage());
        $calls = $this->pending + [];
        $this->pending = [];
        foreach ($this->queuedCalls as $call) {
            $calls[] = $call;
        }
        $this->queuedCalls = [];
        foreach ($calls as $call) {
            if ($call->timer !== null) {
                $this->loop->cancel($call->timer);
                $call->timer = null;
            }
            $call->fail($reason);
        }
        foreach ($this->incoming as $context) {
            $context->cancel(RequestContext::CANCELLED);
        }
        $this->opened->fail($reason);
        $this->closed->resolve($this);
        $this->notifyClosed();
    }

    /** One non-blocking write attempt of whatever is queued (used when aborting). */
    private function flushOnce(): void
    {
        if ($this->outChunk === '') {
            $this->outChunk = implode('', $this->out);
            $this->out = [];
            $this->outOffset = 0;
        }
        $written = $this->transport->write(substr($this->outChunk, $this->outOffset));
        $this->outOffset += $written;
        if ($this->outOffset >= strlen($this->outChunk)) {
            $this->outChunk = '';
        }
    }

    private function release(): void
    {
        foreach (
            [
                $this->readWatcher,
                $this->writeWatcher,
                $this->handshakeTimer,
                $this->heartbeatTimer,
                $this->drainTimer,
            ] as $key
        ) {
            if ($key !== null) {
                $this->loop->cancel($key);
            }
        }
        $this->readWatcher = $this->writeWatcher = $this->handshakeTimer = null;
        $this->heartbeatTimer = $this->drainTimer = null;
        $this->writeClosed = true;
        $this->transport->close();
        foreach ($this->pongs as $pong) {
            $pong->fail(new SessionClosedException('the session closed before the PONG'));
        }
        if ($this->drained !== null) {
            $this->drained->resolve();
            $this->drained = null;
        }
    }

    private function notifyClosed(): void
    {
        $listeners = $this->closeListeners;
        $this->closeListeners = [];
        foreach ($listeners as $listener) {
            try {
                $listener($this);
            } catch (\Throwable $e) {
                $this->log('error', 'a close listener failed: ' . $e->getMessage());
            }
        }
    }

    private function awaitTransportFinished(): void
    {
        $deadline = hrtime(true) / 1e9 + 10.0;
        while (!$this->transport->isFinished() && hrtime(true) / 1e9 < $deadline) {
            $this->loop->sleep(0.002);
        }
    }

    // ---------------------------------------------------------------- outgoing calls

    private function sendRequest(Call $call, int $flags, int $codec, int $compression, string $body): void
    {
        $id = $this->nextId;
        while (isset($this->pending[$id])) {
            $id = $id >= FrameDescriptor::MAX_ID ? 1 : $id + 1;
        }
        $this->nextId = $id >= FrameDescriptor::MAX_ID ? 1 : $id + 1;
        $call->id = $id;
        $this->pending[$id] = $call;
        $timeoutMs = 0;
        if ($call->deadline > 0) {
            $timeoutMs = max(1, (int) ceil(($call->deadline - hrtime(true) / 1e9) * 1000));
        }
        $metaLength = strlen($call->method) + 4;
        $bodyLength = strlen($body);
        if ($metaLength + $bodyLength > $this->peerMaxFrame) {
            $this->sendMessage(
                FrameKind::REQUEST,
                $flags,
                $id,
                pack('N', $timeoutMs) . $call->method,
                $codec,
                $compression,
                $body,
            );
        } else {
            // sendMessage(), inlined for the common single-frame request.
            $head = pack(
                FrameDescriptor::PACK_WORDS,
                FrameDescriptor::MAGIC_WORD,
                FrameDescriptor::VERSION_WORD | FrameKind::REQUEST << 16 | $flags,
                $id,
                $metaLength << 16 | $codec << 8 | $compression,
                $bodyLength,
            );
            $frame = $head . hash('crc32c', $head, true) . ($timeoutMs === 0 ? "\0\0\0\0" : pack('N', $timeoutMs))
                . $call->method . $body;
            $this->out[] = $frame;
            $this->outBytes += strlen($frame);
            if (!$this->flushScheduled) {
                $this->flushScheduled = true;
                $this->loop->scheduleFlush($this);
            }
        }
        if ($this->outBytes > self::MAX_BUFFERED) {
            $this->waitForBufferSpace();
        }
    }

    private function sendQueuedCalls(): void
    {
        while (
            $this->queuedCalls !== [] && count($this->pending) < $this->peerMaxInFlight
            && $this->state === SessionState::Open
        ) {
            $call = array_shift($this->queuedCalls);
            $queued = $call->queued;
            $call->queued = null;
            if ($call->deadline > 0 && $call->deadline <= hrtime(true) / 1e9) {
                continue;
            }
            if ($queued[0]) {
                [, $flags, $body, $codec, $compression] = $queued;
            } else {
                // Queued before the handshake: encode now that the peer's codecs are known.
                $flags = $queued[1];
                $body = $this->encodeParams($call, $queued[2], $queued[3], $queued[4]);
                if ($body === null) {
                    continue;
                }
                $codec = $this->encodedCodec;
                $compression = $this->encodedCompression;
            }
            $this->sendRequest($call, $flags, $codec, $compression, $body);
        }
    }

    private function callExpired(Call $call): void
    {
        $call->timer = null;
        if ($call->isDone()) {
            return;
        }
        $call->fail(
            new DeadlineExceededException(sprintf('call %s: the deadline passed before an answer came', $call->method)),
        );
        $this->callAbandoned($call);
    }

    // ---------------------------------------------------------------- encoding and writing

    /** Encodes a value; the codec and compression used are left in $encodedCodec/$encodedCompression. */
    private function encode(mixed $value, ?string $codecName, ?string $compressionName): string
    {
        if ($codecName === null && $compressionName === null && !is_object($value)) {
            // Fast path: plain values in JSON.
            if ($value === null) {
                $this->encodedCodec = 0;
                $this->encodedCompression = 0;
                return '';
            }
            try {
                $body = json_encode($value, JsonCodec::ENCODE_FLAGS);
            } catch (\JsonException $e) {
                throw new \InvalidArgumentException('value cannot be encoded as JSON: ' . $e->getMessage(), 0, $e);
            }
            $this->encodedCodec = FrameDescriptor::CODEC_JSON;
            $this->encodedCompression = 0;
            if ($this->autoCompression !== null && strlen($body) >= $this->options->compressionThreshold) {
                $compressed = $this->autoCompression->compress($body);
                if (strlen($compressed) < strlen($body)) {
                    $this->encodedCompression = $this->autoCompression->id();
                    return $compressed;
                }
            }
            return $body;
        }
        if ($value instanceof Payload) {
            $codecName = $value->codec;
            $compressionName = $value->compression;
            $value = $value->value;
        }
        if ($value === null) {
            $this->encodedCodec = 0;
            $this->encodedCompression = 0;
            return '';
        }
        if ($codecName === null || $codecName === JsonCodec::NAME) {
            $codec = $this->json;
        } else {
            $codec = $this->codecsByName[$codecName] ?? throw new \InvalidArgumentException(sprintf(
                'codec "%s" is not enabled on this session (enabled: %s)',
                $codecName,
                implode(', ', array_keys($this->codecsByName)),
            ));
            if (!isset($this->peerCodecs[$codecName])) {
                throw new \InvalidArgumentException(sprintf(
                    'the peer does not accept codec "%s" (it listed: %s)',
                    $codecName,
                    implode(', ', array_keys($this->peerCodecs)),
                ));
            }
        }
        $body = $codec->encode($value);
        if ($body === '') {
            $this->encodedCodec = 0;
            $this->encodedCompression = 0;
            return '';
        }
        $this->encodedCodec = $codec->id();
        $this->encodedCompression = 0;
        if ($compressionName !== null) {
            $compression = $this->compressionsByName[$compressionName] ?? null;
            if ($compression === null || !isset($this->peerCompressions[$compressionName])) {
                throw new \InvalidArgumentException(sprintf(
                    'compression "%s" is not available on both sides (peer lists: %s)',
                    $compressionName,
                    implode(', ', array_keys($this->peerCompressions)) ?: 'none',
                ));
            }
            $this->encodedCompression = $compression->id();
            return $compression->compress($body);
        }
        if ($this->autoCompression !== null && strlen($body) >= $this->options->compressionThreshold) {
            $compressed = $this->autoCompression->compress($body);
            if (strlen($compressed) < strlen($body)) {
                $this->encodedCompression = $this->autoCompression->id();
                return $compressed;
            }
        }
        return $body;
    }

    /**
     * @throws RpcException UNSUPPORTED_ENCODING or PARSE_ERROR
     * @throws ProtocolException MESSAGE_TOO_LARGE when a body decompresses beyond max_message
     */
    private function decode(Frame $message): mixed
    {
        if ($message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0) {
            try {
                return json_decode($message->body, $this->jsonAssoc, 512, JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                throw new CodecException('body is not valid JSON: ' . $e->getMessage(), $e);
            }
        }
        $codec = $this->codecsById[$message->codec] ?? null;
        if ($codec === null) {
            throw new RpcException(sprintf(
                'codec %d is not one this peer offered (%s)',
                $message->codec,
                implode(', ', array_keys($this->codecsByName)),
            ), ErrorCode::UnsupportedEncoding->value);
        }
        $body = $message->body;
        if ($message->compression !== 0) {
            $compression = $this->compressionsById[$message->compression] ?? null;
            if ($compression === null) {
                throw new RpcException(sprintf(
                    'compression %d is not one this peer offered (%s)',
                    $message->compression,
                    implode(', ', array_keys($this->compressionsByName)) ?: 'none',
                ), ErrorCode::UnsupportedEncoding->value);
            }
            $body = $compression->decompress($body, $this->options->maxMessage);
        }
        return $codec->decode($body);
    }

    private function sendError(int $id, int $code, string $message, mixed $data = null): void
    {
        $error = ['code' => $code, 'message' => $message];
        if ($data !== null) {
            $error['data'] = $data;
        }
        $body = json_encode($error, self::ERROR_FLAGS);
        if ($body === false) {
            $body = json_encode(['code' => $code, 'message' => $message], self::ERROR_FLAGS);
        }
        $this->sendMessage(FrameKind::ERROR, 0, $id, '', FrameDescriptor::CODEC_JSON, 0, (string) $body);
    }

    /** Frames a message, chunking it when it exceeds the peer's max_frame (§5), and queues it. */
    private function sendMessage(
        int $kind,
        int $flags,
        int $id,
        string $meta,
        int $codec,
        int $compression,
        string $body,
    ): void {
        if ($this->state === SessionState::Connecting && $kind !== FrameKind::ERROR) {
            $this->afterHandshake[] = [$kind, $flags, $id, $meta, $codec, $compression, $body];
            return;
        }
        $metaLength = strlen($meta);
        $bodyLength = strlen($body);
        if ($metaLength + $bodyLength <= $this->peerMaxFrame) {
            $head = pack(
                FrameDescriptor::PACK_WORDS,
                FrameDescriptor::MAGIC_WORD,
                FrameDescriptor::VERSION_WORD | $kind << 16 | $flags,
                $id,
                $metaLength << 16 | $codec << 8 | $compression,
                $bodyLength,
            );
            $frame = $head . hash('crc32c', $head, true) . $meta . $body;
            $this->out[] = $frame;
            $this->outBytes += strlen($frame);
            if (!$this->flushScheduled) {
                $this->flushScheduled = true;
                $this->loop->scheduleFlush($this);
            }
            return;
        }
        $max = $this->peerMaxFrame;
        $offset = 0;
        $first = true;
        while ($offset < $bodyLength || $first) {
            $room = $first ? $max - $metaLength : $max;
            $piece = substr($body, $offset, $room);
            $offset += strlen($piece);
            $chunkFlags = $first
                ? $flags
                : ($flags & ~FrameFlags::WANT_PROGRESS) | FrameFlags::CONTINUATION;
            if ($offset < $bodyLength) {
                $chunkFlags |= FrameFlags::MORE;
            }
            $head = pack(
                FrameDescriptor::PACK_WORDS,
                FrameDescriptor::MAGIC_WORD,
                FrameDescriptor::VERSION_WORD | $kind << 16 | $chunkFlags,
                $id,
                ($first ? $metaLength : 0) << 16 | $codec << 8 | $compression,
                strlen($piece),
            );
            $frameHead = $head . hash('crc32c', $head, true) . ($first ? $meta : '');
            $this->out[] = $frameHead;
            $this->out[] = $piece;
            $this->outBytes += strlen($frameHead) + strlen($piece);
            $first = false;
        }
        $this->scheduleFlush();
    }

    /** Queues a frame (or raw bytes); urgent frames (PONG, CANCEL) go ahead of queued data. */
    private function enqueue(string $bytes, bool $urgent = false): void
    {
        if ($this->state === SessionState::Closed) {
            return;
        }
        if ($urgent) {
            array_unshift($this->out, $bytes);
        } else {
            $this->out[] = $bytes;
        }
        $this->outBytes += strlen($bytes);
        $this->scheduleFlush();
    }

    private function scheduleFlush(): void
    {
        if (!$this->flushScheduled) {
            $this->flushScheduled = true;
            $this->loop->scheduleFlush($this);
        }
    }

    /** Backpressure: lets the transport drain before queueing more. */
    private function waitForBufferSpace(): void
    {
        $this->flush();
        if (
            $this->outBytes <= self::MAX_BUFFERED || $this->state === SessionState::Closed
            || $this->loop->listenerDepth > 0
        ) {
            return;
        }
        $this->drained ??= new Deferred($this->loop);
        $this->drained->await();
    }

    private function registerCodec(Codec $codec): void
    {
        $this->codecsById[$codec->id()] = $codec;
        $this->codecsByName[$codec->name()] = $codec;
    }

    private function checkMethodName(string $method): void
    {
        if ($method === '' || strlen($method) > FrameDescriptor::MAX_METHOD_LENGTH || preg_match('//u', $method) !== 1) {
            throw new \InvalidArgumentException(sprintf(
                'invalid method name %s: it must be 1..255 bytes of UTF-8',
                json_encode($method, self::ERROR_FLAGS),
            ));
        }
        if (count($this->validMethods) > 1024) {
            $this->validMethods = [];
        }
        $this->validMethods[$method] = true;
    }
}
