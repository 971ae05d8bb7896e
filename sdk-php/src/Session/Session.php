<?php

declare(strict_types=1);

namespace Parley\Session;

use Closure;
use Parley\Codec\Payload;
use Parley\Exception\MessageTooLargeException;
use Parley\Exception\PeerGoneException;
use Parley\Exception\RemoteException;
use Parley\Exception\SessionClosedException;
use Parley\Exception\ShuttingDownException;
use Parley\Frame\FrameDecoder;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\MessageAssembler;
use Parley\Internal\Call\AutoCompression;
use Parley\Internal\Call\Bodies;
use Parley\Internal\Call\HandlerHost;
use Parley\Internal\Call\InboundCall;
use Parley\Internal\Call\Inbound;
use Parley\Internal\Call\Outbound;
use Parley\Internal\Io\FrameWriter;
use Parley\Internal\Io\Reader;
use Parley\Internal\Log;
use Parley\Internal\Session\Dispatcher;
use Parley\Internal\Session\Heartbeat;
use Parley\Internal\Session\Lifecycle;
use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use Parley\Loop\MemoryReadiness;
use Parley\PeerInfo;
use Parley\Transport\RingTransport;
use Parley\Transport\Role;
use Parley\Transport\Transport;

use function hrtime;
use function strlen;

/**
 * One Parley session over one transport: handshake, requests in both directions (many in flight,
 * answered in any order), notifications, progress, cancellation, deadlines, heartbeats, GOODBYE.
 *
 * Incoming requests run in Fibers, so a handler can call the other side and await the answer while
 * other requests proceed. Outgoing frames are queued and written in batches when the loop is about
 * to wait; incoming bytes are decoded by offset, many frames per read.
 *
 * This class is the public face only. Behind it (sdk-php/README.md, "Layout"): Outbound and Inbound
 * (the two correlation tables, SPEC §6), Bodies (codecs, §10), FrameWriter and Reader (the wire,
 * §3, §5), Lifecycle (the §8 state machine), Dispatcher and Heartbeat.
 *
 * ```php
 * $session->handle('add', fn (array $p) => $p[0] + $p[1]);
 * $sum = $session->call('add', [1, 2])->await();
 * ```
 */
final class Session
{
    private readonly Log $log;
    private readonly Bodies $bodies;
    private readonly FrameWriter $writer;
    private readonly Lifecycle $life;
    private readonly Outbound $outbound;
    private readonly Inbound $inbound;
    private readonly Heartbeat $heartbeat;

    /**
     * Usually made by {@see \Parley\Ipc} (spawn, worker, connect, listen).
     *
     * @param float $defaultHeartbeat seconds between PINGs when $options sets no heartbeat (0 = off):
     *        the transport's default (SPEC §8.4: off on stdio, on for sockets)
     */
    private readonly Transport $transport;
    private readonly EventLoop $loop;

    public function __construct(
        Transport $transport,
        private readonly Role $role,
        private readonly SessionOptions $options = new SessionOptions(),
        ?EventLoop $loop = null,
        float $defaultHeartbeat = 0.0,
    ) {
        // Without an explicit loop, the process-wide one: sessions made by hand share the loop of
        // spawn() and connect() (a private loop would serialise waits on two sessions).
        $loop ??= EventLoop::get();
        $this->loop = $loop;
        $autoCompress = AutoCompression::decide($options->autoCompression, $transport);
        $memory = $transport instanceof MemoryReadiness ? $transport : null;
        if ($options->transportDecorator !== null) {
            $transport = ($options->transportDecorator)($transport);
        }
        $this->transport = $transport;
        $this->log = new Log($options->logger);
        $this->bodies = new Bodies($options, $autoCompress);
        $this->writer = new FrameWriter(
            $transport,
            $loop,
            fn (PeerGoneException $e) => $this->life->abort($e, false),
            $memory instanceof RingTransport ? $memory : null,
        );
        $host = $this->handlerHost();
        $this->life = new Lifecycle(
            $host,
            $transport,
            $role,
            $options,
            $loop,
            $this->writer,
            $this->bodies,
            $this->log,
            $defaultHeartbeat,
            $memory,
        );
        $this->outbound = new Outbound(
            $this->writer,
            $this->bodies,
            $loop,
            $this->life,
            $this->log,
            $options->defaultTimeout,
            $options->defaultCodec,
        );
        $this->inbound = new Inbound($this->writer, $this->bodies, $loop, $this->life, $this->log, $options, $host);
        $this->heartbeat = new Heartbeat(
            $loop,
            $this->writer,
            $transport->description(),
            fn (PeerGoneException $e) => $this->life->abort($e, false),
        );
        $assembler = new MessageAssembler($options->maxMessage);
        $dispatcher = new Dispatcher(
            $this->life,
            $this->outbound,
            $this->inbound,
            $this->heartbeat,
            $this->writer,
            $assembler,
            $this->log,
            $transport->description(),
            $options->onStray,
        );
        $decoder = new FrameDecoder(
            FrameDescriptor::HANDSHAKE_MAX_FRAME,
            $options->maxStray,
            $dispatcher->onStray(...),
        );
        $this->life->start(
            new Reader($transport, $decoder, $assembler, $dispatcher),
            $this->outbound,
            $this->inbound,
            $this->heartbeat,
        );
    }

    // ---------------------------------------------------------------- handlers

    /**
     * Serves $method: `$handler(mixed $params, RequestContext $context): mixed`. The return value is
     * the result (a {@see Payload} to choose its codec); a thrown {@see RemoteException} (or another
     * ParleyException whose code an ERROR may carry) is answered with its code, message and data,
     * anything else with INTERNAL_ERROR (SPEC §7.1).
     */
    public function handle(string $method, Closure $handler): self
    {
        $this->inbound->handle($method, $handler);
        return $this;
    }

    /**
     * Listens to notifications of $method: `$listener(mixed $params, Session $session): void`.
     * Listeners run in order of arrival, in the loop; to wait inside one, start a task with
     * {@see EventLoop::async()}.
     */
    public function onNotification(string $method, Closure $listener): self
    {
        $this->inbound->onNotification($method, $listener);
        return $this;
    }

    /**
     * Serves the public methods of $service marked {@see \Parley\Attribute\Request} (handlers) or
     * {@see \Parley\Attribute\Notification} (listeners), named by the class's
     * {@see \Parley\Attribute\Segment} plus the attribute's name or the method name. Params map to
     * parameters by position (a list) or by name (an object); a mismatch is answered INVALID_PARAMS.
     * The Java SDK's `Session.proxy()` calls such a service through an annotated interface.
     *
     * @return list<string> the method names now served
     */
    public function serve(object $service): array
    {
        return \Parley\Internal\Service\ServiceBinder::bind($service, $this->handle(...), $this->onNotification(...));
    }

    /**
     * A typed client of the peer: an object implementing $interface, whose methods are marked
     * {@see \Parley\Attribute\Request} or {@see \Parley\Attribute\Notification} (named by the
     * interface's {@see \Parley\Attribute\Segment} plus the attribute's name or the method name, as
     * {@see serve()} names them). No argument sends no params, one sends it as the params, more send
     * the list of all. A request method waits for the result (at most the default timeout) and
     * returns it decoded, or throws the typed error; one declared to return {@see Call} returns the
     * pending call instead. A notification method returns void. The mirror of the Java SDK's
     * `Session.proxy()`.
     *
     * @template T of object
     * @param class-string<T> $interface
     * @return T
     * @throws \InvalidArgumentException when the interface has an unmarked or ill-typed method
     */
    public function proxy(string $interface): object
    {
        return \Parley\Internal\Service\ProxyInvoker::create(
            $interface,
            fn (string $method, mixed $params): Call => $this->call($method, $params),
            fn (string $method, mixed $params) => $this->notify($method, $params),
        );
    }

    /** Listens to notifications no specific listener takes: `$listener(string $method, mixed $params)`. */
    public function onAnyNotification(Closure $listener): self
    {
        $this->inbound->onAnyNotification($listener);
        return $this;
    }

    /** Runs $listener(Session) once the session is closed, cleanly or not ({@see closeReason()}). */
    public function onClose(Closure $listener): self
    {
        $this->life->onClose($listener);
        return $this;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends a request. The returned {@see Call} completes with the result or fails with the peer's
     * ERROR ({@see RemoteException} or a §7.2 outcome class) or a local outcome (deadline, cancel,
     * {@see MessageTooLargeException}, {@see SessionClosedException}).
     *
     * @param float|null $timeout seconds; becomes the request's deadline (SPEC §6.4)
     * @param Closure(mixed): void|null $onProgress asks for progress (WANT_PROGRESS) and receives it
     * @param string|null $codec json (default), raw, php, or one the peer listed
     * @param string|null $compression force deflate or zstd; by default bodies over the threshold
     *                                 are compressed when the peer accepts it and it helps
     * @throws \InvalidArgumentException an invalid method name
     */
    public function call(
        string $method,
        mixed $params = null,
        ?float $timeout = null,
        ?Closure $onProgress = null,
        ?string $codec = null,
        ?string $compression = null,
    ): Call {
        return new Call($this->outbound->call($method, $params, $timeout, $onProgress, $codec, $compression));
    }

    /**
     * Sends a notification (no answer of any kind, SPEC §6.7).
     *
     * @throws SessionClosedException|ShuttingDownException when the session is closed or closing
     * @throws MessageTooLargeException when the encoded params exceed the peer's max_message
     * @throws \InvalidArgumentException an invalid method name, or params the codec cannot encode
     */
    public function notify(
        string $method,
        mixed $params = null,
        ?string $codec = null,
        ?string $compression = null,
    ): void {
        $this->outbound->notify($method, $params, $codec, $compression);
    }

    /**
     * Sends a `$/log` notification (SPEC §4.3) when the peer accepts them (capability LOG); otherwise
     * logs locally. Returns whether it was sent.
     */
    public function sendLog(string $level, string $message, ?string $source = null): bool
    {
        if (!$this->life->acceptsLog()) {
            $this->log->log(
                $level === 'error' ? 'error' : 'warning',
                ($source !== null ? "[$source] " : '') . $message,
            );
            return false;
        }
        $params = ['level' => $level, 'message' => $message];
        if ($source !== null) {
            $params['source'] = $source;
        }
        $this->writer->notificationJson('$/log', Bodies::control($params), false);
        return true;
    }

    /** Sends a PING and returns the round trip in seconds when the PONG arrives (SPEC §8.4). */
    public function ping(string $body = ''): float
    {
        if (strlen($body) > FrameDescriptor::MAX_PING_BODY) {
            throw new \InvalidArgumentException('a PING body holds at most 64 bytes');
        }
        $this->awaitOpen();
        return $this->heartbeat->ping($body);
    }

    // ---------------------------------------------------------------- closing

    /**
     * Closes gracefully (SPEC §8.5): sends GOODBYE, lets calls in flight in both directions finish,
     * then ends the transport. With $wait, returns once the session is closed (for a child process:
     * once it has exited). Inside a request handler of this session use `wait: false`.
     */
    public function close(string $reason = 'done', bool $wait = true): void
    {
        if ($this->life->state() === SessionState::Connecting) {
            try {
                $this->awaitOpen();
            } catch (SessionClosedException) {
                // Already closed.
            }
        }
        if ($this->life->state() !== SessionState::Closed && !$this->life->goodbyeSent()) {
            $this->life->sendGoodbye($reason);
        }
        if (!$wait || $this->inbound->insideHandler()) {
            // A handler of this session cannot wait for the drain: the drain waits for it.
            return;
        }
        $this->life->closed()->await();
        $deadline = hrtime(true) / 1e9 + 10.0;
        while (!$this->transport->isFinished() && hrtime(true) / 1e9 < $deadline) {
            $this->loop->sleep(0.002);
        }
    }

    /** Closes at once without GOODBYE: pending calls fail with SESSION_CLOSED. */
    public function abortNow(string $reason = 'closed by the application'): void
    {
        $this->life->abort(new SessionClosedException($reason), false);
    }

    /** Serves until the session is closed (a worker's main loop). */
    public function run(): void
    {
        $this->life->closed()->await();
    }

    /**
     * Waits for the handshake; returns the session.
     *
     * @throws SessionClosedException when the handshake failed
     */
    public function awaitOpen(): self
    {
        $this->life->opened()->await();
        return $this;
    }

    /** Completes when the session is closed, whatever the reason (never fails). */
    public function closed(): Deferred
    {
        return $this->life->closed();
    }

    // ---------------------------------------------------------------- state

    public function state(): SessionState
    {
        return $this->life->state();
    }

    public function isOpen(): bool
    {
        return $this->life->state() === SessionState::Open;
    }

    /** Whether the session is closed, whatever the reason (see {@see closeReason()}). */
    public function isClosed(): bool
    {
        return $this->life->state() === SessionState::Closed;
    }

    /** Null while open or after a clean GOODBYE close; the failure otherwise. */
    public function closeReason(): ?SessionClosedException
    {
        return $this->life->closeReason();
    }

    /** Whether the session ended by a completed GOODBYE exchange. */
    public function closedCleanly(): bool
    {
        return $this->life->state() === SessionState::Closed && $this->life->closeReason() === null;
    }

    /** What the peer announced in its HELLO, once the handshake is complete. */
    public function peer(): ?PeerInfo
    {
        return $this->life->peer();
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

    /** Whether the peer decodes this codec or compression (json always). */
    public function peerAccepts(string $codecOrCompression): bool
    {
        return $this->bodies->peerAccepts($codecOrCompression);
    }

    /**
     * @return array{in_flight: int, handled: int, cancelled: int, deadline_exceeded: int, pending_calls: int}
     */
    public function stats(): array
    {
        return $this->inbound->stats() + ['pending_calls' => $this->outbound->count()];
    }

    /** How the internal parts reach this facade: they never name the class (see {@see HandlerHost}). */
    private function handlerHost(): HandlerHost
    {
        return new class ($this) implements HandlerHost {
            public function __construct(private readonly Session $session)
            {
            }

            public function requestContext(InboundCall $call, Inbound $inbound): RequestContext
            {
                return new RequestContext($call, $inbound, $this->session);
            }

            public function deliver(Closure $listener, mixed $params): void
            {
                $listener($params, $this->session);
            }

            public function withSession(Closure $receiver): void
            {
                $receiver($this->session);
            }
        };
    }
}
