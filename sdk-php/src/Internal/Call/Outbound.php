<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Closure;
use Parley\Codec\CodecException;
use Parley\Codec\StrictJson;
use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ErrorCode;
use Parley\Exception\MessageTooLargeException;
use Parley\Exception\OverloadedException;
use Parley\Exception\ParleyException;
use Parley\Exception\ProtocolException;
use Parley\Exception\RemoteException;
use Parley\Exception\SessionClosedException;
use Parley\Exception\ShuttingDownException;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameFlags;
use Parley\Frame\Message;
use Parley\Internal\Io\Encoded;
use Parley\Internal\Io\FrameWriter;
use Parley\Internal\Log;
use Parley\Loop\EventLoop;
use Parley\Session\SessionState;

use function array_filter;
use function array_shift;
use function array_values;
use function ceil;
use function count;
use function hrtime;
use function is_array;
use function is_int;
use function is_string;
use function json_decode;
use function json_encode;
use function max;
use function preg_match;
use function sprintf;
use function strlen;

/**
 * Outgoing requests and notifications (SPEC §4.1, §4.2, §6): ids, the table of calls waiting for
 * their answer, the queue of calls waiting for the handshake or for a slot under the peer's
 * max_in_flight, deadlines and cancellation, and the RESPONSE / ERROR / PROGRESS that answer them.
 * Knows the session only through {@see SessionGate}.
 *
 * @internal
 */
final class Outbound
{
    /** @var array<int, OutboundCall> calls by id, until their terminal frame */
    private array $pending = [];
    /** @var list<OutboundCall> calls waiting for the handshake or for a free slot */
    private array $queued = [];
    /** @var list<array{string, mixed, ?string, ?string}> notifications made before the handshake */
    private array $queuedNotifications = [];
    private int $nextId = 1;
    private int $peerMaxInFlight = FrameDescriptor::DEFAULT_MAX_IN_FLIGHT;
    /** @var array<string, true> */
    private array $validMethods = [];

    public function __construct(
        private readonly FrameWriter $writer,
        private readonly Bodies $bodies,
        private readonly EventLoop $loop,
        private readonly SessionGate $gate,
        private readonly Log $log,
        private readonly ?float $defaultTimeout,
        private readonly ?string $defaultCodec = null,
    ) {
    }

    /** See {@see \Parley\Session\Session::call()}. */
    public function call(
        string $method,
        mixed $params,
        ?float $timeout,
        ?Closure $onProgress,
        ?string $codec,
        ?string $compression,
    ): OutboundCall {
        if (!isset($this->validMethods[$method])) {
            $this->checkMethodName($method);
        }
        $codec ??= $this->defaultCodec;
        $call = new OutboundCall($method, $this, $this->loop);
        $call->onProgress = $onProgress;
        $state = $this->gate->state();
        if ($state !== SessionState::Open && $state !== SessionState::Connecting) {
            $call->fail($this->gate->refusal("call $method"));
            return $call;
        }
        $timeout ??= $this->defaultTimeout;
        if ($timeout !== null) {
            if ($timeout <= 0) {
                $call->fail(
                    new DeadlineExceededException(sprintf('call %s: the deadline has already passed', $method)),
                );
                return $call;
            }
            $call->deadline = hrtime(true) / 1e9 + $timeout;
            $call->timer = $this->loop->delay($timeout, fn () => $this->expired($call));
        }
        $call->flags = $onProgress !== null ? FrameFlags::WANT_PROGRESS : 0;
        if ($state === SessionState::Connecting) {
            // Encoded once the peer's HELLO says which codecs and compressions it takes.
            $call->params = $params;
            $call->codecName = $codec;
            $call->compressionName = $compression;
            $call->queued = true;
            $this->queued[] = $call;
            return $call;
        }
        $json = $codec === null && $compression === null ? $this->bodies->smallJson($params) : null;
        $body = null;
        if ($json === null) {
            $body = $this->encodeParams($call, $params, $codec, $compression);
            if ($body === null) {
                return $call;
            }
        }
        if (count($this->pending) >= $this->peerMaxInFlight) {
            $call->body = $body ?? new Encoded(FrameDescriptor::CODEC_JSON, 0, $json);
            $call->queued = true;
            $this->queued[] = $call;
            return $call;
        }
        $this->send($call, $json, $body);
        return $call;
    }

    /**
     * See {@see \Parley\Session\Session::notify()}.
     *
     * @throws SessionClosedException|MessageTooLargeException
     */
    public function notify(string $method, mixed $params, ?string $codec, ?string $compression): void
    {
        $state = $this->gate->state();
        if ($state !== SessionState::Open && $state !== SessionState::Connecting) {
            throw $this->gate->refusal("notify $method");
        }
        if (!isset($this->validMethods[$method])) {
            $this->checkMethodName($method);
        }
        $codec ??= $this->defaultCodec;
        if ($state === SessionState::Connecting) {
            // Like a call: encoded once the peer's HELLO says which codecs it takes (SPEC §8.2).
            $this->queuedNotifications[] = [$method, $params, $codec, $compression];
            return;
        }
        $this->sendNotification($method, $params, $codec, $compression);
    }

    /** @throws MessageTooLargeException */
    private function sendNotification(string $method, mixed $params, ?string $codec, ?string $compression): void
    {
        $json = $codec === null && $compression === null ? $this->bodies->smallJson($params) : null;
        if ($json !== null) {
            $this->writer->notificationJson($method, $json);
        } else {
            $body = $this->bodies->encode($params, $codec, $compression);
            if ($body->size() > $this->bodies->peerMaxMessage()) {
                throw new MessageTooLargeException(sprintf(
                    'notification %s is %d bytes encoded; the peer accepts at most %d (max_message)',
                    $method,
                    $body->size(),
                    $this->bodies->peerMaxMessage(),
                ));
            }
            $this->writer->notification($method, $body);
        }
    }

    /** The handshake is complete: the peer's max_in_flight applies, queued calls go out. */
    public function open(int $peerMaxInFlight): void
    {
        $this->peerMaxInFlight = $peerMaxInFlight;
        $notifications = $this->queuedNotifications;
        $this->queuedNotifications = [];
        foreach ($notifications as [$method, $params, $codec, $compression]) {
            try {
                $this->sendNotification($method, $params, $codec, $compression);
            } catch (\Throwable $e) {
                // The sender has moved on: nobody to throw to.
                $this->log->log('error', sprintf(
                    'notification %s queued before the handshake was not sent: %s',
                    $method,
                    $e->getMessage(),
                ));
            }
        }
        $this->sendQueued();
    }

    /** Whether no call waits for an answer or for a slot. */
    public function isIdle(): bool
    {
        return $this->pending === [] && $this->queued === [];
    }

    public function hasPending(): bool
    {
        return $this->pending !== [];
    }

    public function count(): int
    {
        return count($this->pending) + count($this->queued);
    }

    /** A call was cancelled or timed out locally: CANCEL it, keep its id until the answer (§6.6). */
    public function abandon(OutboundCall $call): void
    {
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        if ($call->queued) {
            $call->queued = false;
            $this->queued = array_values(array_filter($this->queued, static fn ($c) => $c !== $call));
            return;
        }
        if (
            $call->id !== 0 && !$call->cancelSent && isset($this->pending[$call->id])
            && $this->gate->state() !== SessionState::Closed
        ) {
            $call->cancelSent = true;
            $this->writer->cancel($call->id);
        }
    }

    /** GOODBYE was sent (§8.5): calls not sent yet fail with SHUTTING_DOWN. */
    public function refuseQueued(): void
    {
        $queued = $this->queued;
        $this->queued = [];
        foreach ($queued as $call) {
            $call->queued = false;
            if ($call->timer !== null) {
                $this->loop->cancel($call->timer);
            }
            $call->fail(
                new ShuttingDownException(sprintf('call %s was not sent: the session is closing', $call->method)),
            );
        }
    }

    /**
     * The session closed: every call fails with $reason, or with its own SessionClosedException
     * when $reason is null (a clean close).
     */
    public function failAll(?SessionClosedException $reason): void
    {
        $calls = $this->pending;
        $this->pending = [];
        foreach ($this->queued as $call) {
            $calls[] = $call;
        }
        $this->queued = [];
        foreach ($calls as $call) {
            if ($call->timer !== null) {
                $this->loop->cancel($call->timer);
                $call->timer = null;
            }
            $call->fail($reason ?? new SessionClosedException(sprintf('call %s: the session closed', $call->method)));
        }
    }

    // ---------------------------------------------------------------- answers (§4.3, §6.3, §7.1)

    public function receiveResponse(Message $message): void
    {
        $call = $this->pending[$message->id] ?? null;
        if ($call === null) {
            $this->log->log(
                'debug',
                sprintf('ignored a RESPONSE for id %d: no such call is outstanding', $message->id),
            );
            return;
        }
        unset($this->pending[$message->id]);
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        if (!$call->isDone()) {
            // Bodies::decode(), inlined for the common small JSON answer (errors take the full path).
            $result = $message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0
                && $message->body !== '' ? json_decode($message->body, $this->bodies->jsonAssoc) : null;
            if (
                $result !== null
                && (!StrictJson::mayBeInexact($result) || !StrictJson::mayHoldInexactNumbers($message->body))
            ) {
                $call->complete($result);
            } else {
                try {
                    $call->complete($this->bodies->decode($message));
                } catch (CodecException $e) {
                    $call->fail($e);
                }
            }
        }
        // ended(), inlined for the common answer.
        if ($this->queued !== []) {
            $this->sendQueued();
        }
        $this->gate->callEnded();
    }

    /** @throws ProtocolException for an ERROR with id 0 (fatal, §7.3) */
    public function receiveError(Message $message): void
    {
        $error = Bodies::controlJson($message->body);
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
            $this->log->log(
                'debug',
                sprintf('ignored an ERROR for id %d: no such call is outstanding', $message->id),
            );
            return;
        }
        unset($this->pending[$message->id]);
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        if (!$valid) {
            $call->fail(new CodecException('malformed ERROR body from the peer: ' . $message->body));
        } else {
            $call->fail(self::remoteError($error['code'], $error['message'], $error['data'] ?? null));
        }
        $this->ended();
    }

    public function receiveProgress(Message $message): void
    {
        $call = $this->pending[$message->id] ?? null;
        if ($call === null || $call->isDone() || $call->onProgress === null) {
            return;
        }
        try {
            $value = $this->bodies->decode($message);
        } catch (CodecException $e) {
            $this->log->log('warning', sprintf('dropped a PROGRESS of %s: %s', $call->method, $e->getMessage()));
            return;
        }
        $this->loop->listenerDepth++;
        try {
            ($call->onProgress)($value);
        } catch (\Throwable $e) {
            $this->log->log(
                'error',
                sprintf('the progress listener of %s failed: %s', $call->method, $e->getMessage()),
            );
        } finally {
            $this->loop->listenerDepth--;
        }
    }

    /** The §7.2 outcome classes for an ERROR the peer sent for a call. */
    private static function remoteError(int $code, string $message, mixed $data): ParleyException
    {
        return match (ErrorCode::tryFrom($code)) {
            ErrorCode::Cancelled => new CancelledException($message, $data, true),
            ErrorCode::DeadlineExceeded => new DeadlineExceededException($message, $data, true),
            ErrorCode::Overloaded => new OverloadedException($message, $data, true),
            ErrorCode::ShuttingDown => new ShuttingDownException($message, $data, true),
            default => new RemoteException($message, $code, $data),
        };
    }

    // ---------------------------------------------------------------- sending

    private function ended(): void
    {
        if ($this->queued !== []) {
            $this->sendQueued();
        }
        $this->gate->callEnded();
    }

    /** Sends a call: $json (the small plain-JSON fast path) or $body. */
    private function send(OutboundCall $call, ?string $json, ?Encoded $body): void
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
        if ($json !== null) {
            $this->writer->requestJson($id, $call->flags, $timeoutMs, $call->method, $json);
        } else {
            $this->writer->request($id, $call->flags, $timeoutMs, $call->method, $body);
        }
    }

    private function sendQueued(): void
    {
        while (
            $this->queued !== [] && count($this->pending) < $this->peerMaxInFlight
            && $this->gate->state() === SessionState::Open
        ) {
            $call = array_shift($this->queued);
            $call->queued = false;
            if ($call->deadline > 0 && $call->deadline <= hrtime(true) / 1e9) {
                continue;
            }
            $body = $call->body;
            $call->body = null;
            if ($body === null) {
                // Queued before the handshake: encode now that the peer's codecs are known.
                $body = $this->encodeParams($call, $call->params, $call->codecName, $call->compressionName);
                $call->params = null;
                if ($body === null) {
                    continue;
                }
            }
            $this->send($call, null, $body);
        }
    }

    /** Encodes a call's params, or fails the call and returns null. */
    private function encodeParams(OutboundCall $call, mixed $params, ?string $codec, ?string $compression): ?Encoded
    {
        try {
            $body = $this->bodies->encode($params, $codec, $compression);
        } catch (\Throwable $e) {
            $this->failUnsent($call, $e instanceof ParleyException ? $e : new RemoteException(
                sprintf('cannot encode the params of %s: %s', $call->method, $e->getMessage()),
                ErrorCode::InvalidParams->value,
                null,
                $e,
            ));
            return null;
        }
        if ($body->size() > $this->bodies->peerMaxMessage()) {
            $this->failUnsent($call, new MessageTooLargeException(sprintf(
                'the params of %s are %d bytes encoded; the peer accepts at most %d (max_message)',
                $call->method,
                $body->size(),
                $this->bodies->peerMaxMessage(),
            )));
            return null;
        }
        return $body;
    }

    private function failUnsent(OutboundCall $call, \Throwable $error): void
    {
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        $call->fail($error);
    }

    private function expired(OutboundCall $call): void
    {
        $call->timer = null;
        if ($call->isDone()) {
            return;
        }
        $call->fail(
            new DeadlineExceededException(sprintf('call %s: the deadline passed before an answer came', $call->method)),
        );
        $this->abandon($call);
    }

    private function checkMethodName(string $method): void
    {
        $length = strlen($method);
        if ($length === 0 || $length > FrameDescriptor::MAX_METHOD_LENGTH || preg_match('//u', $method) !== 1) {
            throw new \InvalidArgumentException(sprintf(
                'invalid method name %s: it must be 1..255 bytes of UTF-8',
                json_encode($method, Bodies::CONTROL_FLAGS),
            ));
        }
        if (count($this->validMethods) > 1024) {
            $this->validMethods = [];
        }
        $this->validMethods[$method] = true;
    }
}
