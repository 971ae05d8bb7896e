<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Closure;
use Fiber;
use Parley\Codec\CodecException;
use Parley\Codec\StrictJson;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\ErrorCode;
use Parley\Exception\MessageTooLargeException;
use Parley\Exception\ParleyException;
use Parley\Exception\ProtocolException;
use Parley\Exception\RemoteException;
use Parley\Frame\ChunkedMessage;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameFlags;
use Parley\Frame\FrameKind;
use Parley\Frame\Message;
use Parley\Internal\Io\FrameWriter;
use Parley\Internal\Log;
use Parley\Loop\EventLoop;
use Parley\Loop\FiberPool;
use Parley\Session\RequestContext;
use Parley\Session\SessionOptions;
use Parley\Session\SessionState;

use function count;
use function hrtime;
use function is_array;
use function is_object;
use function is_string;
use function json_decode;
use function max;
use function sprintf;
use function str_starts_with;
use function strlen;
use function strncmp;
use function substr;
use function unpack;

/**
 * Incoming requests and notifications (SPEC §4.1, §4.2, §6): the handlers, the table of requests
 * being processed (each in a Fiber), their deadlines and cancellation, and their answers. Knows the
 * session only through {@see SessionGate}, and the public facade only through {@see HandlerHost}.
 *
 * @internal
 */
final class Inbound
{
    /** @var array<string, Closure> */
    private array $handlers = [];
    /** @var array<string, Closure> */
    private array $notificationHandlers = [];
    private ?Closure $fallbackNotificationHandler = null;
    /** @var array<int, InboundCall> requests being processed, by id */
    private array $incoming = [];
    /** @var array<int, true> ids of chunked requests cancelled before they were complete */
    private array $cancelledEarly = [];
    private readonly Closure $runHandler;
    private readonly FiberPool $fibers;
    private readonly int $maxInFlight;
    private readonly ?Closure $onLog;
    private int $handled = 0;
    private int $answeredCancelled = 0;
    private int $answeredDeadline = 0;

    public function __construct(
        private readonly FrameWriter $writer,
        private readonly Bodies $bodies,
        private readonly EventLoop $loop,
        private readonly SessionGate $gate,
        private readonly Log $log,
        SessionOptions $options,
        private readonly HandlerHost $host,
    ) {
        $this->maxInFlight = $options->maxInFlight;
        $this->onLog = $options->onLog;
        $this->runHandler = $this->runHandler(...);
        $this->fibers = $loop->fibers();
    }

    public function handle(string $method, Closure $handler): void
    {
        $this->handlers[$method] = $handler;
    }

    public function onNotification(string $method, Closure $listener): void
    {
        $this->notificationHandlers[$method] = $listener;
    }

    public function onAnyNotification(Closure $listener): void
    {
        $this->fallbackNotificationHandler = $listener;
    }

    /** Whether no request is being processed. */
    public function isIdle(): bool
    {
        return $this->incoming === [];
    }

    /** Whether the current Fiber runs a handler of this session. */
    public function insideHandler(): bool
    {
        $fiber = Fiber::getCurrent();
        if ($fiber === null) {
            return false;
        }
        foreach ($this->incoming as $call) {
            if ($call->fiber === $fiber) {
                return true;
            }
        }
        return false;
    }

    /** The session closed: every running handler is cancelled. */
    public function cancelAll(): void
    {
        foreach ($this->incoming as $call) {
            $call->cancel(InboundCall::CANCELLED);
        }
    }

    /** @return array{in_flight: int, handled: int, cancelled: int, deadline_exceeded: int} */
    public function stats(): array
    {
        return [
            'in_flight' => count($this->incoming),
            'handled' => $this->handled,
            'cancelled' => $this->answeredCancelled,
            'deadline_exceeded' => $this->answeredDeadline,
        ];
    }

    // ---------------------------------------------------------------- requests

    /** @throws ProtocolException a duplicate request id (§6.1) */
    public function receiveRequest(Message $message): void
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
        if ($this->gate->goodbyeSent()) {
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
        if (count($this->incoming) >= $this->maxInFlight) {
            $this->answerNow($id, ErrorCode::Overloaded, sprintf(
                'request %s refused: %d requests are already in progress (max_in_flight); retry later',
                $method,
                $this->maxInFlight,
            ));
            return;
        }
        $handler = $this->handlers[$method] ?? null;
        if ($handler === null) {
            $this->answerNow($id, ErrorCode::MethodNotFound, "method not found: $method");
            return;
        }
        // Bodies::decode(), inlined for the common JSON params (null, errors and bodies whose numbers
        // need the exact check: the full path).
        $params = $message->codec === FrameDescriptor::CODEC_JSON && $message->compression === 0
            && $message->body !== '' ? json_decode($message->body, $this->bodies->jsonAssoc) : null;
        if (
            $params !== null && StrictJson::mayBeInexact($params)
            && StrictJson::mayHoldInexactNumbers($message->body)
        ) {
            $params = null;
        }
        try {
            $params ??= $this->bodies->decode($message);
        } catch (CodecException $e) {
            $this->answerNow($id, $e->errorCode() ?? ErrorCode::ParseError, sprintf(
                'cannot decode the params of %s: %s',
                $method,
                $e->getMessage(),
            ));
            return;
        }
        $call = new InboundCall($id, $method, $params, $handler, $this->loop, $this->log);
        $this->incoming[$id] = $call;
        $flags = $message->flags;
        $hasDeadline = strncmp($meta, "\0\0\0\0", 4) !== 0;
        if (
            $flags !== 0 || $hasDeadline
            || ($message->codec !== FrameDescriptor::CODEC_JSON
                && ($message instanceof ChunkedMessage || $message->body !== ''))
        ) {
            if ($hasDeadline) {
                $call->deadline = hrtime(true) / 1e9 + unpack('N', $meta)[1] / 1000;
                $call->timer = $this->loop->delay(
                    max(0.0, $call->deadline - hrtime(true) / 1e9),
                    static function () use ($call): void {
                        $call->timer = null;
                        $call->cancel(InboundCall::DEADLINE);
                    },
                );
            }
            $call->plain = false;
            $call->wantsProgress = ($flags & FrameFlags::WANT_PROGRESS) !== 0;
            if ($message instanceof ChunkedMessage || $message->body !== '') {
                $call->codec = $this->bodies->codecName($message->codec);
            }
        }
        $this->fibers->run($this->runHandler, $call);
    }

    /** Answers a REQUEST the frame layer refused (§4.1: malformed method → INVALID_REQUEST). */
    public function answerRejected(int $id, int $code, string $message): void
    {
        $this->handled++;
        $this->writer->error($id, Bodies::errorBody($code, $message));
    }

    /** A PROGRESS of a running request (§6.3), in its request's codec when possible. */
    public function sendProgress(InboundCall $call, mixed $value): void
    {
        if ($this->gate->state() === SessionState::Closed) {
            return;
        }
        $body = $this->bodies->encodeAnswer($value, $call->codec);
        if ($body->size() > $this->bodies->peerMaxMessage()) {
            throw new MessageTooLargeException(sprintf(
                'a progress value of %s is %d bytes encoded; the caller accepts at most %d (max_message)',
                $call->method,
                $body->size(),
                $this->bodies->peerMaxMessage(),
            ));
        }
        $this->writer->progress($call->id, $body);
    }

    /** CANCEL (§6.6): the handler is told; a CANCEL for a request still being received is kept. */
    public function receiveCancel(int $id, ?array $inProgress): void
    {
        $call = $this->incoming[$id] ?? null;
        if ($call !== null) {
            $call->cancel(InboundCall::CANCELLED);
            return;
        }
        if ($inProgress === [FrameKind::REQUEST, $id]) {
            $this->cancelledEarly[$id] = true;
        }
    }

    private function runHandler(InboundCall $call): void
    {
        $call->fiber = Fiber::getCurrent();
        try {
            $result = ($call->handler)($call->params, $this->host->requestContext($call, $this));
            $call->fiber = null;
            $this->finishRequest($call, $result, null);
        } catch (\Throwable $e) {
            $call->fiber = null;
            $this->finishRequest($call, null, $e);
        }
    }

    private function finishRequest(InboundCall $call, mixed $result, ?\Throwable $error): void
    {
        $id = $call->id;
        if (($this->incoming[$id] ?? null) === $call) {
            unset($this->incoming[$id]);
        }
        if ($call->timer !== null) {
            $this->loop->cancel($call->timer);
            $call->timer = null;
        }
        $state = $this->gate->state();
        if ($call->answered || $state === SessionState::Closed) {
            return;
        }
        $call->answered = true;
        if ($error === null && $call->plain && $state === SessionState::Open && !is_object($result)) {
            // Fast path: a plain JSON result of a plain request, one frame.
            $json = $this->bodies->smallJson($result);
            if ($json !== null) {
                $this->handled++;
                $this->writer->responseJson($id, $json);
                return;
            }
        }
        if ($error === null && $call->cancelReason === InboundCall::DEADLINE) {
            $error = new DeadlineExceededException(sprintf(
                'request %s exceeded its deadline; the late result was discarded',
                $call->method,
            ));
        }
        if ($error === null) {
            try {
                $body = $this->bodies->encodeAnswer($result, $call->codec);
                if ($body->size() > $this->bodies->peerMaxMessage()) {
                    throw new MessageTooLargeException(sprintf(
                        'the result of %s is %d bytes encoded; the caller accepts at most %d (max_message)',
                        $call->method,
                        $body->size(),
                        $this->bodies->peerMaxMessage(),
                    ));
                }
                $this->handled++;
                $this->writer->response($id, $body);
            } catch (CodecException $e) {
                // a result the codec cannot carry is the handler's failure (INTERNAL_ERROR, §6.2)
                $error = RemoteException::internal(
                    sprintf('the result of %s cannot be encoded: %s', $call->method, $e->getMessage()),
                );
            } catch (\Throwable $e) {
                $error = $e;
            }
        }
        if ($error !== null) {
            $this->handled++;
            [$code, $message, $data] = self::describeFailure($error, $call->method);
            if ($code === ErrorCode::Cancelled->value) {
                $this->answeredCancelled++;
            } elseif ($code === ErrorCode::DeadlineExceeded->value) {
                $this->answeredDeadline++;
            }
            $this->writer->error($id, Bodies::errorBody($code, $message, $data));
        }
        $this->gate->callEnded();
    }

    /**
     * The ERROR for a failed handler (§7.1): a {@see ParleyException} with a code an ERROR may carry
     * for one call keeps its code, message and data; anything else is INTERNAL_ERROR.
     *
     * @return array{int, string, mixed} code, message, data
     */
    private static function describeFailure(\Throwable $error, string $method): array
    {
        if ($error instanceof ParleyException) {
            $code = $error->getCode();
            $known = ErrorCode::tryFrom($code);
            if (
                $known === null || ($known->isSentOnWire() && !$known->closesSession())
                || $error instanceof MessageTooLargeException
            ) {
                return [$code, $error->getMessage(), $error->getData()];
            }
        }
        $mismatch = FailureText::signatureMismatch($error, __FILE__);
        if ($mismatch !== null) {
            return [ErrorCode::InvalidParams->value, sprintf('invalid params for %s: %s', $method, $mismatch), null];
        }
        $json = $error instanceof \JsonException || $error->getPrevious() instanceof \JsonException;
        if ($json) {
            return [
                ErrorCode::InternalError->value,
                sprintf('the result of %s cannot be encoded: %s', $method, FailureText::scrub($error->getMessage())),
                null,
            ];
        }
        return [
            ErrorCode::InternalError->value,
            sprintf('%s failed: %s: %s', $method, $error::class, FailureText::scrub($error->getMessage())),
            ['exception' => $error::class],
        ];
    }

    /** Answers a request that never reached a handler. */
    private function answerNow(int $id, ErrorCode $code, string $message): void
    {
        $this->handled++;
        $this->writer->error($id, Bodies::errorBody($code->value, $message));
    }

    // ---------------------------------------------------------------- notifications (§4.2)

    public function receiveNotification(Message $message): void
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
                $this->log->log('debug', "dropped notification $method: no listener");
                return;
            }
        }
        try {
            $params = $this->bodies->decode($message);
        } catch (CodecException $e) {
            $this->log->log('warning', sprintf('dropped notification %s: %s', $method, $e->getMessage()));
            return;
        }
        $this->loop->listenerDepth++;
        try {
            if ($listener !== null) {
                $this->host->deliver($listener, $params);
            } else {
                ($this->fallbackNotificationHandler)($method, $params);
            }
        } catch (\Throwable $e) {
            $this->log->log(
                'error',
                sprintf('the listener of notification %s failed: %s: %s', $method, $e::class, $e->getMessage()),
            );
        } finally {
            $this->loop->listenerDepth--;
        }
    }

    /** `$/log` from the peer (§4.3 of the SPEC's reserved methods). */
    private function receiveLog(Message $message): void
    {
        $entry = Bodies::controlJson($message->body, 512);
        $entry = is_array($entry) ? $entry : [];
        $level = is_string($entry['level'] ?? null) ? $entry['level'] : 'info';
        $text = is_string($entry['message'] ?? null) ? $entry['message'] : '';
        $source = is_string($entry['source'] ?? null) ? $entry['source'] : null;
        if ($this->onLog !== null) {
            ($this->onLog)($level, $text, $source);
            return;
        }
        $this->log->log($level, sprintf('[peer%s] %s', $source !== null ? " $source" : '', $text));
    }
}
