package io.parley;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.codec.Codec;
import io.parley.codec.Compression;
import io.parley.codec.JsonCodec;
import io.parley.internal.call.AutoCompression;
import io.parley.internal.call.Inbound;
import io.parley.internal.call.Outbound;
import io.parley.internal.call.OutboundCall;
import io.parley.internal.call.Settings;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.session.Lifecycle;
import io.parley.internal.session.SessionWiring;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.Transport;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One Parley session (SPEC §8) over a {@link Transport}: handshake, calls in both directions,
 * notifications, progress, cancellation, deadlines, heartbeats and GOODBYE.
 *
 * <pre>{@code
 * try (Session s = Session.builder(ChildProcessTransport.launch(List.of("php", "worker.php")))
 *         .handlers(new Handlers().onRequest("log", String.class, (line, ctx) -> null))
 *         .open()) {
 *     int sum = s.call("sum", List.of(1, 2, 3), Integer.class);
 *     CallFuture<String> f = s.callAsync("sleep", Map.of("ms", 500), String.class,
 *             CallOptions.timeout(Duration.ofSeconds(2)));
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * Calls may be made from any thread. There is no dedicated reader or writer thread; the threads
 * that have work to do do the I/O, so a round trip costs about what a plain blocking echo costs:
 *
 * <ul>
 *   <li>A sender writes its frame itself; frames sent concurrently are coalesced into one write.
 *   <li>A blocking {@link #call} on a platform thread reads its own answer from the transport (for
 *       child-process pipes only when the call has no deadline, as a pipe read cannot be bounded
 *       in time). Other callers park and are woken by whichever thread reads their answer.
 *   <li>Otherwise one of the session's worker threads reads. A worker that reads a request runs
 *       its handler itself, and notification handlers, in order; when a handler blocks or runs
 *       long, another thread takes over reading within a few {@linkplain
 *       Builder#readerTakeover(Duration) takeover ticks} (at once for the SDK's own waits: a
 *       nested call, {@code ctx.sleep}), so a handler may call the peer back and wait, sleep, or
 *       compute without stalling the session. Requests that arrive while others run go to other
 *       workers (or to the {@linkplain Builder#executor executor} you set, which then runs every
 *       handler).
 *   <li>Delivery keeps the order of arrival (SPEC §6.7): a call returns, and a request handler
 *       starts, only after the notifications that arrived before its frame were handled (unless a
 *       notification handler makes no progress for 200 ms: a blocked one does not hold up the
 *       session for ever).
 * </ul>
 *
 * <p>Asynchronous completions ({@link CallFuture}) and progress listeners never run on a thread
 * while it reads. {@link #close()} says goodbye and waits for in-flight work, bounded by the
 * drain timeout; it is idempotent. When the peer dies or the stream ends, every pending call fails
 * at once with a {@link PeerGoneException}.
 */
public final class Session implements AutoCloseable {
    /** The default of {@link Builder#defaultTimeout}: 30 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private final Transport transport;
    private final Lifecycle life;
    private final Outbound outbound;
    private final Inbound inbound;
    private final Handlers handlers;
    private final ObjectMapper mapper;
    private final CallOptions defaults;

    private Session(Transport transport, Settings cfg, Duration defaultTimeout) {
        this.transport = transport;
        this.handlers = cfg.handlers();
        this.mapper = cfg.json().mapper();
        this.defaults = defaultTimeout.isZero() ? CallOptions.none() : CallOptions.timeout(defaultTimeout);
        SessionWiring.Parts parts = SessionWiring.wire(new FacadeHost(this), transport, cfg);
        this.life = parts.life();
        this.outbound = parts.outbound();
        this.inbound = parts.inbound();
    }

    /** Starts configuring a session over {@code transport}. */
    public static Builder builder(Transport transport) {
        return new Builder(transport);
    }

    /** Opens a session with default settings: handshake done when this returns. */
    public static Session open(Transport transport, Handlers handlers) throws IOException {
        return builder(transport).handlers(handlers).open();
    }

    // ------------------------------------------------------------------ public API: calls

    /**
     * Calls {@code method} and waits for its result, at most the {@linkplain Builder#defaultTimeout
     * default timeout} (30 s unless set otherwise).
     */
    public <T> T call(String method, Object params, Class<T> resultType) {
        return call(method, params, resultType, defaults);
    }

    /** As {@link #call(String, Object, Class)}, for generic result types: {@code new TypeRef<List<Point>>() {}}. */
    public <T> T call(String method, Object params, TypeRef<T> resultType) {
        return call(method, params, resultType, defaults);
    }

    /**
     * Calls {@code method} with options (deadline, progress, codec) and waits for its result. Without a
     * timeout in {@code options} the session's {@linkplain Builder#defaultTimeout default timeout} applies.
     */
    public <T> T call(String method, Object params, Class<T> resultType, CallOptions options) {
        return resultType.cast(outbound.call(method, params, wrap(resultType), withDefaults(options)));
    }

    /** As {@link #call(String, Object, Class, CallOptions)}, for generic result types. */
    @SuppressWarnings("unchecked")
    public <T> T call(String method, Object params, TypeRef<T> resultType, CallOptions options) {
        return (T) outbound.call(method, params, resultType.type(), withDefaults(options));
    }

    /**
     * Calls {@code method} without waiting; cancel the future to cancel the call. When the peer's
     * in-flight limit (its {@code max_in_flight}, SPEC §6.5) is reached, the call waits in a FIFO
     * queue and is sent as soon as an earlier call ends; its deadline, if any, runs meanwhile.
     * Only when {@linkplain Builder#maxQueuedCalls(int) that queue} is full does this throw
     * {@link OverloadedException}.
     */
    public <T> CallFuture<T> callAsync(String method, Object params, Class<T> resultType) {
        return callAsync(method, params, resultType, defaults);
    }

    /** As {@link #callAsync(String, Object, Class)}, for generic result types. */
    public <T> CallFuture<T> callAsync(String method, Object params, TypeRef<T> resultType) {
        return callAsync(method, params, resultType, defaults);
    }

    /** As {@link #callAsync(String, Object, Class)}, with options. */
    public <T> CallFuture<T> callAsync(String method, Object params, Class<T> resultType, CallOptions options) {
        return startAsync(method, params, wrap(resultType), options);
    }

    /** As {@link #callAsync(String, Object, Class)}, for generic result types. */
    public <T> CallFuture<T> callAsync(String method, Object params, TypeRef<T> resultType, CallOptions options) {
        return startAsync(method, params, resultType.type(), options);
    }

    @SuppressWarnings("unchecked")
    private <T> CallFuture<T> startAsync(String method, Object params, Type type, CallOptions options) {
        OutboundCall call = outbound.startAsync(method, params, type, withDefaults(options));
        CallFuture<T> future = new CallFuture<>(outbound, call);
        outbound.deliver(call, (CompletableFuture<Object>) (CompletableFuture<?>) future);
        return future;
    }

    private CallOptions withDefaults(CallOptions options) {
        if (options.timeoutNanos() != 0 || defaults.timeoutNanos() == 0) {
            return options;
        }
        return options.withTimeout(Duration.ofNanos(defaults.timeoutNanos()));
    }

    // ------------------------------------------------------------------ public API: typed services

    /**
     * A typed proxy of {@code service}, an interface whose methods carry {@link io.parley.proxy.Request}
     * or {@link io.parley.proxy.Notification} (see the {@code io.parley.proxy} package for how names, params and
     * results map). Blocking methods wait at most the {@linkplain Builder#defaultTimeout default timeout}.
     */
    public <T> T proxy(Class<T> service) {
        Session self = this;
        return io.parley.internal.proxy.ProxyInvoker.create(service, new io.parley.internal.proxy.RemoteCalls() {
            @Override
            @SuppressWarnings("unchecked")
            public Object call(String method, Object params, Type resultType) {
                return outbound.call(method, params, resultType, defaults);
            }

            @Override
            public CompletableFuture<Object> callAsync(String method, Object params, Type resultType) {
                return startAsync(method, params, resultType, defaults);
            }

            @Override
            public void notify(String method, Object params) {
                self.notify(method, params);
            }

            @Override
            public String describe() {
                return self.toString();
            }
        });
    }

    /**
     * Serves the {@link io.parley.proxy.Request} / {@link io.parley.proxy.Notification} methods of
     * {@code service} (annotations on its class or its interfaces) on this session: each becomes a
     * handler in the session's {@link Handlers}, replacing any of the same name.
     *
     * @return the method names now served
     */
    public List<String> serve(Object service) {
        return io.parley.internal.proxy.ServiceBinder.bind(Objects.requireNonNull(service, "service"), handlers, mapper);
    }

    /**
     * Sends a notification (no answer of any kind, SPEC §6.7). It is queued in order with
     * everything else this session sends and written by another thread when no write is in
     * progress, so a burst of notifications goes out in a few writes; this method does not wait
     * for the write (it waits only when several MiB are already queued).
     */
    public void notify(String method, Object params) {
        outbound.notify(method, params);
    }

    /** The peer's HELLO, once the handshake is done. */
    public PeerInfo peer() {
        return life.peer();
    }

    public boolean isOpen() {
        return life.isOpen();
    }

    /** Requests from the peer being processed now. */
    public int inFlight() {
        return inbound.inFlight();
    }

    /** Requests from the peer answered so far. */
    public long handled() {
        return inbound.handled();
    }

    /** Calls of this side still waiting for their terminal frame (including those queued for an in-flight slot). */
    public int outstanding() {
        return outbound.outstanding();
    }

    /** Completes when the session is closed: with {@code null} after an orderly GOODBYE, else with the reason. */
    public CompletableFuture<SessionClosedException> closeFuture() {
        return life.closeFuture();
    }

    public String description() {
        return transport.description();
    }

    /**
     * Graceful close (SPEC §8.5): sends GOODBYE, stops taking new calls, lets in-flight calls in
     * both directions finish, then closes. Bounded by the {@linkplain Builder#drainTimeout drain
     * timeout}; idempotent.
     */
    @Override
    public void close() {
        life.close();
    }

    /**
     * Graceful close with a bound (SPEC §8.5): sends GOODBYE, lets in-flight calls in both
     * directions finish, and aborts the session ({@link #abort()}) when that has not happened
     * within {@code timeout}. Worst case: returns after {@code timeout} plus the transport's close
     * (for a {@link ChildProcessTransport}: up to its grace period, then SIGTERM and up to 4 s
     * more; use {@link #kill()} to end a child at once). It does not wait for handler threads.
     */
    public void close(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative");
        }
        life.close(timeout);
    }

    /** Abrupt close (SPEC §8.6): pending calls fail with SESSION_CLOSED, handlers are cancelled. */
    public void abort() {
        life.abort();
    }

    /**
     * Immediate end: when the transport is a {@link ChildProcessTransport}, the child and its
     * descendants are killed (SIGKILL) first; then the session is aborted ({@link #abort()}):
     * pending calls fail with SESSION_CLOSED at once, no GOODBYE is sent. For a peer that hangs.
     */
    public void kill() {
        if (transport instanceof ChildProcessTransport) {
            ((ChildProcessTransport) transport).kill();
        }
        life.abort("session killed by the application");
    }

    private static Type wrap(Class<?> c) {
        return c.isPrimitive() ? java.lang.invoke.MethodType.methodType(c).wrap().returnType() : c;
    }

    @Override
    public String toString() {
        return "Session[" + transport.description() + ", " + (life.isOpen() ? "OPEN" : life.isClosed() ? "CLOSED" : "not open") + "]";
    }

    // ------------------------------------------------------------------ builder

    /** Settings of a session; {@link #open()} runs the handshake. */
    public static final class Builder {
        private final Transport transport;
        private Handlers handlers = new Handlers();
        private JsonCodec json = new JsonCodec();
        private final List<Codec> extraCodecs = new ArrayList<>();
        private Codec defaultCodec;
        private List<Compression> compressions = Compression.available();
        private int compressionThreshold = 4096;
        private Boolean autoCompression;
        private int maxFrame = FrameDescriptor.DEFAULT_MAX_FRAME;
        private long maxMessage = FrameDescriptor.DEFAULT_MAX_MESSAGE;
        private int maxInFlight = FrameDescriptor.DEFAULT_MAX_IN_FLIGHT;
        private long maxStray = FrameDescriptor.DEFAULT_MAX_STRAY;
        private int heartbeatMs;
        private String token;
        private String peerName = "parley-java/0.1.0";
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration frameStallTimeout = Duration.ofSeconds(30);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private ExecutorService executor;
        private StrayListener strayListener;
        private long spinNanos;
        private int maxQueuedCalls = 1024;
        private boolean inlineHandlers = true;
        private Duration readerTakeover = Duration.ofMillis(1);
        private Duration defaultTimeout = DEFAULT_TIMEOUT;

        private Builder(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.heartbeatMs = transport.defaultHeartbeatMs();
        }

        /** The methods this side serves. */
        public Builder handlers(Handlers handlers) {
            this.handlers = Objects.requireNonNull(handlers);
            return this;
        }

        /** JSON through your own ObjectMapper (modules, naming strategies). */
        public Builder objectMapper(ObjectMapper mapper) {
            this.json = new JsonCodec(mapper);
            return this;
        }

        /**
         * Offers an extra codec (e.g. {@link io.parley.codec.KryoCodec}) and, when the peer lists
         * it too, uses it for objects instead of JSON.
         */
        public Builder codec(Codec codec) {
            if (codec.id() == Codec.JSON || codec.id() == Codec.RAW) {
                throw new IllegalArgumentException("json and raw are always offered");
            }
            extraCodecs.add(codec);
            defaultCodec = codec;
            return this;
        }

        /** Compressions offered and used, in order of preference (default: zstd, deflate). */
        public Builder compressions(List<Compression> compressions) {
            this.compressions = List.copyOf(compressions);
            return this;
        }

        /**
         * Bodies at least this large are compressed, when {@linkplain #autoCompression(boolean)
         * automatic compression} is on and that makes them smaller (default 4 KiB).
         */
        public Builder compressionThreshold(int bytes) {
            this.compressionThreshold = bytes;
            return this;
        }

        /**
         * Whether bodies are compressed automatically (SPEC §10.2). Default (not called): only when
         * the transport {@linkplain Transport#reachesOtherHost() reaches another host}; on pipes,
         * Unix sockets, shared memory and loopback compressing costs more than the copy it saves.
         * When on, a body is compressed if it reaches the {@linkplain #compressionThreshold(int)
         * threshold}, a sample of it does not look random or already compressed, and the result is
         * smaller. Compressed bodies from the peer are decoded either way.
         */
        public Builder autoCompression(boolean on) {
            this.autoCompression = on;
            return this;
        }

        /** Largest frame payload this side accepts (16 KiB..16 MiB, default 1 MiB). */
        public Builder maxFrame(int maxFrame) {
            if (maxFrame < FrameDescriptor.MIN_MAX_FRAME || maxFrame > FrameDescriptor.MAX_MAX_FRAME) {
                throw new IllegalArgumentException("maxFrame must be within 16384..16777216, got " + maxFrame);
            }
            this.maxFrame = maxFrame;
            return this;
        }

        /** Largest message body this side accepts (default 128 MiB; at least maxFrame). */
        public Builder maxMessage(long maxMessage) {
            this.maxMessage = maxMessage;
            return this;
        }

        /** Requests from the peer processed at once; more are answered OVERLOADED (default 1024). */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1");
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder maxStray(long maxStray) {
            this.maxStray = maxStray;
            return this;
        }

        /**
         * How many asynchronous calls may wait, in FIFO order, while the peer's {@code
         * max_in_flight} calls are outstanding (default 1024). A call that finds the queue full
         * fails at once with {@link OverloadedException}; 0 makes every call over the limit fail
         * at once. Blocking calls always wait for a slot (in the same queue, bounded by their
         * deadline) and do not count here.
         */
        public Builder maxQueuedCalls(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxQueuedCalls must be >= 0");
            }
            this.maxQueuedCalls = max;
            return this;
        }

        /** PING the peer after this much silence; declare it dead after twice as much (0 = off). */
        public Builder heartbeat(Duration interval) {
            this.heartbeatMs = (int) interval.toMillis();
            return this;
        }

        /** Initiator: the token to send. Acceptor: the token every peer must send (SPEC §9.3). */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** This side's name in HELLO (default {@code parley-java/<version>}). */
        public Builder peerName(String name) {
            this.peerName = name;
            return this;
        }

        /**
         * The deadline of every call made without one (default 30 s): a call to a hung peer then
         * fails with {@link DeadlineExceededException} instead of waiting for ever. {@link
         * Duration#ZERO} disables it (calls without a deadline wait until answered or the session
         * ends). A deadline in {@link CallOptions} always wins.
         */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("defaultTimeout must not be negative (Duration.ZERO disables it)");
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /** Bound on the handshake (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Bound on a frame whose bytes stop arriving part-way (SPEC §3.5, stalled frame; default
         * 30 s): when a frame's header has arrived and no further byte of it arrives for this
         * long, the session closes with {@code PROTOCOL_ERROR} ("stalled inside a frame") and
         * pending calls fail with that reason. It holds with heartbeats off too (stdio children).
         * {@link Duration#ZERO} disables it.
         */
        public Builder frameStallTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("frameStallTimeout must not be negative (Duration.ZERO disables it)");
            }
            this.frameStallTimeout = timeout;
            return this;
        }

        /**
         * Bound on draining after GOODBYE (SPEC §8.5, default 30 s), whichever side said goodbye
         * first: in-flight calls in both directions may finish and the peer must close its side
         * within it, else the session closes abruptly (pending calls fail with SESSION_CLOSED).
         * {@link Session#close()} waits at most this long.
         */
        public Builder drainTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative");
            }
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Runs every handler (and notification handler) on {@code executor}, never on the thread
         * that read the request. By default handlers run on the session's own threads: on the
         * reading thread when that is safe, else on a worker.
         */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public Builder onStray(StrayListener listener) {
            this.strayListener = listener;
            return this;
        }

        /**
         * Blocking calls that cannot read their answer themselves spin this long for it before
         * parking (default 0). On an otherwise idle machine with the peer on another core a few
         * tens of microseconds can save a wake-up per call; on a busy or single core it only
         * burns time.
         */
        public Builder spinWait(Duration spin) {
            this.spinNanos = spin.toNanos();
            return this;
        }

        /**
         * Whether a request's handler may run on the thread that read it (default true). That
         * saves a thread hand-off per request; reading moves to another thread when the handler
         * blocks or runs long (see {@link #readerTakeover(Duration)}). With false, every handler
         * runs on a separate worker thread.
         */
        public Builder inlineHandlers(boolean inline) {
            this.inlineHandlers = inline;
            return this;
        }

        /**
         * The watchdog tick of the reading thread (default 1 ms, at least 50 µs). A thread that
         * read a request and has then been busy for a whole tick (a handler that blocks or
         * computes, a write that waits) hands reading to another thread, and input nobody has been
         * reading for a whole tick gets a reader. The watchdog only ticks while there is something
         * to watch, and ticks less often (down to every four ticks) while it finds nothing to do,
         * so frames wait at most about five ticks. Shorter ticks react faster and cost more
         * wake-ups (10-20 µs of CPU each on a virtual machine).
         */
        public Builder readerTakeover(Duration tick) {
            if (tick.isNegative() || tick.isZero()) {
                throw new IllegalArgumentException("readerTakeover must be positive");
            }
            this.readerTakeover = tick;
            return this;
        }

        /** Starts the session and runs the handshake; throws when it fails. */
        public Session open() throws IOException {
            if (maxMessage < maxFrame) {
                throw new IllegalArgumentException("maxMessage must be at least maxFrame");
            }
            boolean compress = AutoCompression.decide(autoCompression, transport);
            Settings cfg = new Settings(handlers, json, List.copyOf(extraCodecs), defaultCodec, compressions,
                    compress ? compressionThreshold : Integer.MAX_VALUE,
                    maxFrame, maxMessage, maxInFlight, maxStray, heartbeatMs, token, peerName, handshakeTimeout, drainTimeout,
                    executor, strayListener, spinNanos, maxQueuedCalls, inlineHandlers, readerTakeover.toNanos(),
                    frameStallTimeout.toMillis());
            Session s = new Session(transport, cfg, defaultTimeout);
            s.life.open();
            return s;
        }
    }
}
