package io.parley;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.codec.Codec;
import io.parley.codec.CodecException;
import io.parley.codec.Compression;
import io.parley.codec.CompressionLimitException;
import io.parley.codec.JsonCodec;
import io.parley.codec.RawCodec;
import io.parley.internal.frame.Frame;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameException;
import io.parley.internal.frame.FrameFlags;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.FrameValidator;
import io.parley.internal.frame.Message;
import io.parley.internal.frame.MessageAssembler;
import io.parley.internal.frame.ProtocolViolationException;
import io.parley.internal.frame.TruncatedFrameException;
import io.parley.internal.FrameWriter;
import io.parley.internal.Hello;
import io.parley.internal.SerialExecutor;
import io.parley.transport.Transport;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Threads: one reader per session; handlers run on virtual threads (never on the reader), so
 * a handler may call the peer back and wait. Calls may be made from any thread. {@link #close()}
 * says goodbye and waits for in-flight work; it is idempotent. When the peer dies or the stream
 * ends, every pending call fails at once with a {@link PeerGoneException}.
 */
public final class Session implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final String VERSION_NAME = "parley-java/0.1.0";
    private static final int CAPS = 0x7;
    private static final HexFormat HEX = HexFormat.of();

    private enum State { CONNECTING, OPEN, DRAINING, CLOSED }

    private final Transport transport;
    private final Builder cfg;
    private final Handlers handlers;
    private final Codec[] codecs = new Codec[256];
    private final Compression[] compressions = new Compression[256];
    private final JsonCodec json;
    private final FrameDecoder decoder;
    private final MessageAssembler assembler;
    private final FrameWriter writer;
    private final ExecutorService handlerExecutor;
    private final boolean ownsExecutor;
    private final ScheduledThreadPoolExecutor timer;
    private final SerialExecutor notifications;
    private final ConcurrentHashMap<Integer, OutboundCall> outbound = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, InboundCall> inbound = new ConcurrentHashMap<>();
    private final java.util.Set<Integer> cancelledWhileArriving = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicLong handled = new AtomicLong();
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final CompletableFuture<SessionClosedException> closed = new CompletableFuture<>();
    private final Object stateLock = new Object();
    private final Thread reader;
    private final StrayReport stray = new StrayReport();

    private volatile State state = State.CONNECTING;
    private volatile PeerInfo peer;
    private volatile int peerMaxFrame = FrameDescriptor.HANDSHAKE_MAX_FRAME;
    private volatile Codec[] peerCodecs = new Codec[256];
    private volatile Compression peerCompression;
    private volatile Semaphore permits = new Semaphore(1);
    private volatile boolean goodbyeSent;
    private volatile boolean goodbyeReceived;
    private volatile boolean outputShut;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long lastPingNanos;

    private Session(Transport transport, Builder cfg) {
        this.transport = transport;
        this.cfg = cfg;
        this.handlers = cfg.handlers;
        this.json = cfg.json;
        codecs[Codec.RAW] = RawCodec.INSTANCE;
        codecs[Codec.JSON] = json;
        for (Codec c : cfg.extraCodecs) {
            codecs[c.id()] = c;
        }
        for (Compression c : cfg.compressions) {
            compressions[c.id()] = c;
        }
        this.decoder = new FrameDecoder(FrameDescriptor.HANDSHAKE_MAX_FRAME, cfg.maxStray);
        this.assembler = new MessageAssembler(cfg.maxMessage);
        this.ownsExecutor = cfg.executor == null;
        this.handlerExecutor = ownsExecutor
                ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-handler-", 0).factory())
                : cfg.executor;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("parley-timer").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
        this.notifications = new SerialExecutor(handlerExecutor, t -> LOG.warn("notification handler failed", t));
        this.writer = new FrameWriter(transport, handlerExecutor, this::onWriteFailure);
        this.reader = Thread.ofPlatform().daemon().name("parley-reader " + transport.description()).unstarted(this::readLoop);
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

    /** Calls {@code method} and waits for its result. */
    public <T> T call(String method, Object params, Class<T> resultType) {
        return call(method, params, resultType, CallOptions.none());
    }

    /** Calls {@code method} with options (deadline, progress, codec) and waits for its result. */
    public <T> T call(String method, Object params, Class<T> resultType, CallOptions options) {
        return resultType.cast(callBlocking(method, params, wrap(resultType), options));
    }

    @SuppressWarnings("unchecked")
    public <T> T call(String method, Object params, TypeRef<T> resultType, CallOptions options) {
        return (T) callBlocking(method, params, resultType.type(), options);
    }

    /** Calls {@code method} without waiting; cancel the future to cancel the call. */
    public <T> CallFuture<T> callAsync(String method, Object params, Class<T> resultType) {
        return callAsync(method, params, resultType, CallOptions.none());
    }

    public <T> CallFuture<T> callAsync(String method, Object params, Class<T> resultType, CallOptions options) {
        return startAsync(method, params, wrap(resultType), options);
    }

    public <T> CallFuture<T> callAsync(String method, Object params, TypeRef<T> resultType, CallOptions options) {
        return startAsync(method, params, resultType.type(), options);
    }

    /** Sends a notification (no answer of any kind, SPEC §6.7). */
    public void notify(String method, Object params) {
        checkCanSend();
        byte[] meta = methodBytes(method);
        Encoded body = encode(params, null, null);
        try {
            writer.sendMessage(FrameKind.NOTIFICATION, 0, 0, meta, body.codec, body.compression, body.bytes, peerMaxFrame);
        } catch (IOException e) {
            throw closedOr(e);
        }
    }

    /**
     * Writes {@code bytes} raw onto the stream between two frames: stray bytes for the peer's
     * decoder to skip. Only for testing peers (the conformance service's {@code print-stray}).
     */
    public void sendStrayBytes(byte[] bytes) {
        try {
            writer.sendRaw(bytes);
        } catch (IOException e) {
            throw closedOr(e);
        }
    }

    /** The peer's HELLO, once the handshake is done. */
    public PeerInfo peer() {
        return peer;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Requests from the peer being processed now. */
    public int inFlight() {
        return inbound.size();
    }

    /** Requests from the peer answered so far. */
    public long handled() {
        return handled.get();
    }

    /** Calls of this side still waiting for their terminal frame. */
    public int outstanding() {
        return outbound.size();
    }

    /** Frames sent and transport writes made: frames per write shows how well writes coalesce. */
    public long[] writeStats() {
        return new long[] {writer.frames(), writer.writes()};
    }

    /** Completes when the session is closed: with {@code null} after an orderly GOODBYE, else with the reason. */
    public CompletableFuture<SessionClosedException> closeFuture() {
        return closed.copy();
    }

    public String description() {
        return transport.description();
    }

    /**
     * Graceful close (SPEC §8.5): sends GOODBYE, stops taking new calls, lets in-flight calls in
     * both directions finish, then closes. Bounded by the drain timeout; idempotent.
     */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            awaitClosed(cfg.drainTimeout.toMillis() + 10_000);
            return;
        }
        if (state == State.CONNECTING) {
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "session closed during the handshake"), 0, null);
            return;
        }
        startGoodbye("closed by the application");
        checkDrained();
        try {
            closed.get(cfg.drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{}: draining took longer than {}; closing abruptly", transport.description(), cfg.drainTimeout);
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "drain timeout: closed with work in flight"), 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "close interrupted"), 0, null);
        } catch (ExecutionException e) {
            // closed exceptionally cannot happen: the future is completed with a value
        }
        awaitClosed(10_000);
    }

    /** Abrupt close (SPEC §8.6): pending calls fail with SESSION_CLOSED, handlers are cancelled. */
    public void abort() {
        terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "session aborted by the application"), 0, null);
    }

    private void awaitClosed(long millis) {
        try {
            closed.get(millis, TimeUnit.MILLISECONDS);
            if (Thread.currentThread() != reader) {
                reader.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort
        }
    }

    // ------------------------------------------------------------------ outbound calls

    private static Type wrap(Class<?> c) {
        return c.isPrimitive() ? java.lang.invoke.MethodType.methodType(c).wrap().returnType() : c;
    }

    private Object callBlocking(String method, Object params, Type type, CallOptions options) {
        long deadline = options.timeoutNanos() > 0 ? System.nanoTime() + options.timeoutNanos() : 0;
        OutboundCall call = start(method, params, type, options, deadline, true);
        Message m;
        try {
            m = awaitOutcome(call, deadline);
        } catch (TimeoutException e) {
            giveUp(call, new DeadlineExceededException("no answer to " + method + " within " + Duration.ofNanos(options.timeoutNanos())));
            throw new DeadlineExceededException("no answer to " + method + " within " + Duration.ofNanos(options.timeoutNanos()));
        } catch (InterruptedException e) {
            giveUp(call, new ParleyException(ErrorCode.CANCELLED, "call interrupted"));
            Thread.currentThread().interrupt();
            throw new ParleyException(ErrorCode.CANCELLED, "interrupted while waiting for " + method + "; the call was cancelled");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
        return result(call, m);
    }

    private Message awaitOutcome(OutboundCall call, long deadline) throws InterruptedException, ExecutionException, TimeoutException {
        long spin = cfg.spinNanos;
        if (spin > 0) {
            long until = System.nanoTime() + spin;
            while (!call.outcome.isDone() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
        if (deadline == 0) {
            return call.outcome.get();
        }
        return call.outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private <T> CallFuture<T> startAsync(String method, Object params, Type type, CallOptions options) {
        long deadline = options.timeoutNanos() > 0 ? System.nanoTime() + options.timeoutNanos() : 0;
        OutboundCall call = start(method, params, type, options, deadline, false);
        CallFuture<T> future = new CallFuture<>(this, call);
        if (deadline != 0) {
            call.deadlineTask = timer.schedule(() -> giveUp(call, new DeadlineExceededException("no answer to " + method + " within "
                    + Duration.ofNanos(options.timeoutNanos()))), options.timeoutNanos(), TimeUnit.NANOSECONDS);
        }
        // Never complete on the reader: user continuations could block it (LSP4J's deadlock).
        call.outcome.whenCompleteAsync((m, error) -> {
            if (error != null) {
                future.completeExceptionally(unwrap(error));
                return;
            }
            try {
                @SuppressWarnings("unchecked")
                T value = (T) result(call, m);
                future.complete(value);
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }, handlerExecutor);
        return future;
    }

    private OutboundCall start(String method, Object params, Type type, CallOptions options, long deadline, boolean mayWait) {
        checkCanSend();
        byte[] methodBytes = methodBytes(method);
        Encoded body = encode(params, options.codec(), null);
        Semaphore p = permits;
        try {
            boolean ok;
            if (!mayWait) {
                ok = p.tryAcquire();
            } else if (deadline == 0) {
                p.acquire();
                ok = true;
            } else {
                ok = p.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            if (!ok) {
                if (mayWait) {
                    throw new DeadlineExceededException("deadline passed while waiting for an in-flight slot for " + method);
                }
                throw new OverloadedException("the peer's in-flight limit (" + peer.maxInFlight() + ") is reached; " + method
                        + " was not sent. Retry later, or use the blocking call() which waits for a slot");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParleyException(ErrorCode.CANCELLED, "interrupted while waiting to send " + method);
        }
        long timeoutMs = 0;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                p.release();
                throw new DeadlineExceededException("the deadline of " + method + " passed before it was sent");
            }
            timeoutMs = (left + 999_999) / 1_000_000;
        }
        int id = allocateId();
        ProgressListener listener = options.progress();
        SerialExecutor sequencer = listener == null ? null : new SerialExecutor(handlerExecutor, t -> LOG.warn("progress listener failed", t));
        OutboundCall call = new OutboundCall(id, method, type, listener, sequencer);
        outbound.put(id, call);
        if (state == State.CLOSED) {
            // raced with the close: terminate() may have swept the map before our put
            outbound.remove(id);
            p.release();
            throw closedException();
        }
        try {
            writer.sendMessage(FrameKind.REQUEST, listener == null ? 0 : FrameFlags.WANT_PROGRESS, id,
                    FrameEncoder.requestMeta(timeoutMs, methodBytes), body.codec, body.compression, body.bytes, peerMaxFrame);
        } catch (IOException e) {
            if (outbound.remove(id) != null) {
                p.release();
            }
            throw closedOr(e);
        }
        return call;
    }

    private int allocateId() {
        while (true) {
            int id = nextId.incrementAndGet();
            if (id != 0 && !outbound.containsKey(id)) {
                return id;
            }
        }
    }

    /** The caller stops waiting (cancel, deadline, interrupt): fail locally, send CANCEL once. */
    void giveUp(OutboundCall call, ParleyException reason) {
        if (!call.gaveUp.compareAndSet(false, true)) {
            return;
        }
        call.outcome.completeExceptionally(reason);
        if (outbound.get(call.id) == call && call.cancelSent.compareAndSet(false, true) && state != State.CLOSED) {
            try {
                writer.send(FrameKind.CANCEL, 0, call.id, null, 0, 0, null, 0, 0, false);
            } catch (IOException e) {
                // the session is ending; the terminate path reports it
            }
        }
    }

    private Object result(OutboundCall call, Message m) {
        if (m.kind() == FrameKind.ERROR) {
            RemoteException e = remoteError(m.body(), call.method);
            if (e.code() == ErrorCode.DEADLINE_EXCEEDED.code()) {
                // the peer's clock ran out first: same outcome as our own deadline
                throw new DeadlineExceededException(call.method + ": the peer reported its deadline passed: " + e.errorMessage());
            }
            throw e;
        }
        try {
            return decode(m, call.resultType);
        } catch (CodecException e) {
            throw new ParleyException(e.isMalformed() ? ErrorCode.PARSE_ERROR : ErrorCode.INVALID_PARAMS,
                    "cannot decode the result of " + call.method + ": " + e.getMessage(), e);
        }
    }

    private RemoteException remoteError(byte[] body, String method) {
        try {
            JsonNode o = json.mapper().readTree(body);
            if (o == null || !o.isObject() || !o.path("code").isIntegralNumber() || !o.path("message").isTextual()) {
                throw new IOException("not an error object");
            }
            JsonNode data = o.get("data");
            return new RemoteException(o.get("code").asInt(), o.get("message").asText(), data == null ? null : data.toString(), method);
        } catch (IOException e) {
            return new RemoteException(ErrorCode.PARSE_ERROR.code(), "malformed error body: "
                    + new String(body, StandardCharsets.UTF_8), null, method);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        Throwable u = unwrap(t);
        if (u instanceof RuntimeException r) {
            return r;
        }
        return new ParleyException(ErrorCode.INTERNAL_ERROR, String.valueOf(u), u);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void checkCanSend() {
        State s = state;
        if (s == State.OPEN) {
            return;
        }
        if (s == State.DRAINING) {
            throw new SessionClosedException(ErrorCode.SHUTTING_DOWN, "the session is shutting down (GOODBYE); no new calls. "
                    + "Retry on another session");
        }
        throw closedException();
    }

    private SessionClosedException closedException() {
        SessionClosedException cause = closed.getNow(null);
        if (cause instanceof PeerGoneException pg) {
            return new PeerGoneException("session closed: " + pg.getMessage(), pg.exitCode().isPresent() ? pg.exitCode().getAsInt() : null,
                    pg.stderrTail());
        }
        return new SessionClosedException(ErrorCode.SESSION_CLOSED, "the session is closed"
                + (cause == null ? "" : " (" + cause.getMessage() + ")"));
    }

    private RuntimeException closedOr(IOException e) {
        if (state == State.CLOSED) {
            return closedException();
        }
        return transport.peerGone("write failed: " + e.getMessage());
    }

    private static byte[] methodBytes(String method) {
        byte[] b = method.getBytes(StandardCharsets.UTF_8);
        if (b.length < 1 || b.length > FrameDescriptor.MAX_METHOD_LENGTH) {
            throw new IllegalArgumentException("a method name is 1..255 bytes of UTF-8, got " + b.length + " bytes");
        }
        return b;
    }

    // ------------------------------------------------------------------ bodies

    private record Encoded(int codec, int compression, byte[] bytes) {
    }

    private static final Encoded EMPTY = new Encoded(0, 0, new byte[0]);

    /** Picks codec and compression the peer can decode (SPEC §8.2: per direction) and encodes. */
    private Encoded encode(Object value, Codec requested, Integer replyCodec) {
        if (value == null) {
            return EMPTY;
        }
        Codec codec;
        byte[] bytes;
        if (value instanceof Payload p) {
            codec = p.codec();
            bytes = p.bytes();
        } else {
            codec = requested;
            if (codec == null && value instanceof byte[]) {
                codec = RawCodec.INSTANCE;
            }
            if (codec == null && replyCodec != null && replyCodec != Codec.RAW && peerCodecs[replyCodec] != null) {
                codec = peerCodecs[replyCodec];
            }
            if (codec == null) {
                codec = cfg.defaultCodec != null && peerCodecs[cfg.defaultCodec.id()] != null ? cfg.defaultCodec : json;
            }
            try {
                bytes = codec.encode(value);
            } catch (CodecException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        if (state != State.CONNECTING && peerCodecs[codec.id()] == null) {
            throw new IllegalArgumentException("the peer does not decode codec '" + codec.name() + "' (it offered "
                    + peer.codecs() + ")");
        }
        if (bytes.length == 0) {
            return EMPTY;
        }
        Compression c = peerCompression;
        if (c != null && bytes.length >= cfg.compressionThreshold) {
            byte[] packed = c.compress(bytes);
            if (packed.length < bytes.length) {
                return new Encoded(codec.id(), c.id(), packed);
            }
        }
        return new Encoded(codec.id(), 0, bytes);
    }

    /** Thrown for bodies in a codec or compression this side did not offer. */
    private static final class UnsupportedEncodingError extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedEncodingError(String message) {
            super(message);
        }
    }

    private byte[] plainBody(Message m) throws CodecException, UnsupportedEncodingError, CompressionLimitException {
        if (m.compression() == 0) {
            return m.body();
        }
        Compression c = compressions[m.compression()];
        if (c == null) {
            throw new UnsupportedEncodingError("compression " + m.compression() + " was not offered by this peer");
        }
        return c.decompress(m.body(), cfg.maxMessage);
    }

    private Object decode(Message m, Type type) throws CodecException {
        if (m.body().length == 0) {
            return null;
        }
        byte[] body;
        try {
            body = plainBody(m);
        } catch (UnsupportedEncodingError e) {
            throw new CodecException(e.getMessage(), true, e);
        } catch (CompressionLimitException e) {
            throw fatalTooLarge(e);
        }
        Codec codec = codecs[m.codec()];
        if (codec == null) {
            throw new CodecException("codec " + m.codec() + " was not offered by this peer", true, null);
        }
        if (type == Payload.class) {
            return new Payload(codec, body);
        }
        return codec.decode(body, type);
    }

    private ParleyException fatalTooLarge(CompressionLimitException e) {
        ParleyException fatal = new ParleyException(ErrorCode.MESSAGE_TOO_LARGE, e.getMessage());
        terminate(new SessionClosedException(ErrorCode.MESSAGE_TOO_LARGE, e.getMessage()), ErrorCode.MESSAGE_TOO_LARGE.code(), e.getMessage());
        return fatal;
    }

    // ------------------------------------------------------------------ reading

    private void readLoop() {
        byte[] buf = new byte[64 * 1024];
        FrameDecoder.Listener listener = new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame frame) {
                stray.flush();
                lastReceivedNanos = System.nanoTime();
                onFrameRead(frame);
            }

            @Override
            public void onStray(byte[] bytes, int offset, int length) {
                stray.add(bytes, offset, length);
            }
        };
        try {
            while (state != State.CLOSED) {
                int n = transport.read(buf, 0, buf.length);
                if (n < 0) {
                    try {
                        decoder.endOfInput(listener);
                        stray.flush();
                        onEndOfStream(null);
                    } catch (TruncatedFrameException e) {
                        onEndOfStream("; " + e.getMessage());
                    }
                    return;
                }
                decoder.feed(buf, 0, n, listener);
                stray.flush();
            }
        } catch (FrameException e) {
            stray.flush();
            fatal(e.errorCode(), e.getMessage());
        } catch (ParleyException e) {
            ErrorCode code = e.errorCode() == null ? ErrorCode.PROTOCOL_ERROR : e.errorCode();
            fatal(code, e.getMessage());
        } catch (IOException e) {
            if (state != State.CLOSED) {
                onEndOfStream("; read failed: " + e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("{}: reader failed", transport.description(), e);
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "internal error in the reader: " + e, e), 0, null);
        }
    }

    /** A fatal error detected here: ERROR id 0 to the peer, fail everything, close (SPEC §7.3). */
    private void fatal(ErrorCode code, String message) {
        LOG.warn("{}: closing on {}: {}", transport.description(), code, message);
        boolean wire = code != ErrorCode.PEER_GONE && code != ErrorCode.HEARTBEAT_TIMEOUT && code != ErrorCode.SESSION_CLOSED;
        terminate(new SessionClosedException(code, message), wire ? code.code() : 0, message);
    }

    private void onEndOfStream(String detail) {
        if (state == State.CLOSED) {
            return;
        }
        if (goodbyeSent && goodbyeReceived && outbound.isEmpty()) {
            finishOrderly();
            return;
        }
        PeerGoneException gone = transport.peerGone("the peer closed the stream" + (detail == null ? "" : detail));
        LOG.warn("{}", gone.getMessage());
        terminate(gone, 0, null);
    }

    private void onFrameRead(Frame frame) {
        FrameValidator.Verdict verdict = FrameValidator.check(frame);
        if (verdict == FrameValidator.Verdict.SKIP_UNKNOWN_KIND) {
            LOG.debug("{}: skipped a frame of unknown kind {}", transport.description(), frame.kind());
            return;
        }
        if (state == State.CONNECTING && frame.kind() != FrameKind.HELLO && !(frame.kind() == FrameKind.ERROR && frame.id() == 0)) {
            throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "received " + FrameKind.name(frame.kind()) + " before HELLO");
        }
        if (frame.kind() == FrameKind.CANCEL && frame.bodyLength() == 0) {
            onCancel(frame.id()); // control frame: no copy needed
            return;
        }
        assembler.add(frame, verdict, assembled);
    }

    private final MessageAssembler.Listener assembled = new MessageAssembler.Listener() {
        @Override
        public void onMessage(Message m) {
            dispatch(m);
        }

        @Override
        public void onInvalidRequest(int id, String reason) {
            sendError(id, ErrorCode.INVALID_REQUEST.code(), reason, null);
        }

        @Override
        public void onInvalidNotification(String reason) {
            LOG.warn("{}: dropped a notification: {}", transport.description(), reason);
        }
    };

    private void dispatch(Message m) {
        switch (m.kind()) {
            case FrameKind.HELLO -> onHello(m);
            case FrameKind.REQUEST -> onRequest(m);
            case FrameKind.RESPONSE, FrameKind.PROGRESS -> onAnswer(m);
            case FrameKind.ERROR -> {
                if (m.id() == 0) {
                    onFatalFromPeer(m);
                } else {
                    onAnswer(m);
                }
            }
            case FrameKind.NOTIFICATION -> onNotification(m);
            case FrameKind.CANCEL -> onCancel(m.id());
            case FrameKind.PING -> sendControl(FrameKind.PONG, m.id(), m.body());
            case FrameKind.PONG -> {
                // liveness only: any frame resets the heartbeat clock
            }
            case FrameKind.GOODBYE -> onGoodbye(m);
            default -> throw new ProtocolViolationException("unexpected kind " + m.kind());
        }
    }

    // ------------------------------------------------------------------ handshake

    /** Initiator: sends our HELLO. */
    private void sendHello(List<Integer> versions) {
        Hello ours = new Hello(versions, cfg.peerName, offeredCodecs(), offeredCompressions(), cfg.maxFrame, cfg.maxMessage,
                cfg.maxInFlight, cfg.heartbeatMs, CAPS, transport.role() == Transport.Role.INITIATOR ? cfg.token : null,
                ProcessHandle.current().pid());
        byte[] body = ours.toJson();
        try {
            writer.send(FrameKind.HELLO, 0, 0, null, Codec.JSON, 0, body, 0, body.length, false);
        } catch (IOException e) {
            throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "cannot send HELLO: " + e.getMessage());
        }
    }

    private List<String> offeredCodecs() {
        List<String> out = new ArrayList<>(List.of("json", "raw"));
        for (Codec c : cfg.extraCodecs) {
            out.add(c.name());
        }
        return out;
    }

    private List<String> offeredCompressions() {
        return cfg.compressions.stream().map(Compression::name).toList();
    }

    private void onHello(Message m) {
        if (state != State.CONNECTING) {
            throw new ProtocolViolationException("HELLO received after the handshake");
        }
        Hello theirs = Hello.parse(m.body());
        int version;
        if (transport.role() == Transport.Role.ACCEPTOR) {
            String required = cfg.token != null ? cfg.token : transport.requiredToken();
            if (required != null && (theirs.token() == null || !MessageDigest.isEqual(
                    required.getBytes(StandardCharsets.UTF_8), theirs.token().getBytes(StandardCharsets.UTF_8)))) {
                throw new ParleyException(ErrorCode.AUTH_FAILED, theirs.token() == null ? "this peer requires a token in HELLO"
                        : "wrong token");
            }
            if (!theirs.versions().contains(FrameDescriptor.VERSION)) {
                throw new ParleyException(ErrorCode.UNSUPPORTED_VERSION, "no common protocol version: the peer speaks "
                        + theirs.versions() + ", this one 1");
            }
            version = FrameDescriptor.VERSION;
            applyPeer(theirs, version);
            sendHello(List.of(version));
        } else {
            if (theirs.versions().size() != 1 || theirs.versions().get(0) != FrameDescriptor.VERSION) {
                throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "the acceptor chose versions " + theirs.versions()
                        + ", not one of those offered [1]");
            }
            version = FrameDescriptor.VERSION;
            applyPeer(theirs, version);
        }
        synchronized (stateLock) {
            if (state == State.CONNECTING) {
                state = State.OPEN;
            }
        }
        decoder.maxFrame(cfg.maxFrame);
        startHeartbeat();
        LOG.debug("{}: session open with {} (pid {})", transport.description(), theirs.peer(), theirs.pid());
        handshake.complete(null);
    }

    private void applyPeer(Hello h, int version) {
        Codec[] pc = new Codec[256];
        for (String name : h.codecs()) {
            for (Codec c : codecs) {
                if (c != null && c.name().equals(name)) {
                    pc[c.id()] = c;
                }
            }
        }
        peerCodecs = pc;
        Compression chosen = null;
        for (Compression c : cfg.compressions) { // our preference order: zstd, then deflate
            if (h.compression().contains(c.name())) {
                chosen = c;
                break;
            }
        }
        peerCompression = chosen;
        peerMaxFrame = h.maxFrame();
        permits = new Semaphore(h.maxInFlight());
        peer = new PeerInfo(h.peer(), h.pid(), version, List.copyOf(h.codecs()), List.copyOf(h.compression()), h.maxFrame(),
                h.maxMessage(), h.maxInFlight(), h.heartbeatMs(), h.caps() & CAPS);
    }

    private void onFatalFromPeer(Message m) {
        RemoteException e = remoteError(m.body(), null);
        ErrorCode code = ErrorCode.of(e.code());
        String msg = "the peer closed the session: " + (code == null ? "" : code.name() + " ") + e.code() + " " + e.errorMessage();
        LOG.warn("{}: {}", transport.description(), msg);
        if (!handshake.isDone()) {
            handshake.completeExceptionally(new SessionClosedException(e.code(), msg));
        }
        terminate(new SessionClosedException(e.code(), msg), 0, null);
    }

    // ------------------------------------------------------------------ inbound requests

    private void onRequest(Message m) {
        int id = m.id();
        if (inbound.containsKey(id)) {
            throw new ProtocolViolationException("duplicate request id " + Integer.toUnsignedString(id) + " while it is still being processed");
        }
        String method = m.method();
        if (goodbyeSent || state != State.OPEN) {
            sendError(id, ErrorCode.SHUTTING_DOWN.code(), "this peer is shutting down; " + method + " was not processed", null);
            return;
        }
        if (cancelledWhileArriving.remove(id)) {
            sendError(id, ErrorCode.CANCELLED.code(), method + " was cancelled before it fully arrived", null);
            return;
        }
        if (inbound.size() >= cfg.maxInFlight) {
            sendError(id, ErrorCode.OVERLOADED.code(), "too many requests in flight (max_in_flight " + cfg.maxInFlight + ")", null);
            return;
        }
        Handlers.RequestEntry entry = handlers.request(method);
        if (entry == null) {
            sendError(id, ErrorCode.METHOD_NOT_FOUND.code(), "no such method: " + method, null);
            return;
        }
        if (m.body().length > 0 && (codecs[m.codec()] == null || m.compression() != 0 && compressions[m.compression()] == null)) {
            sendError(id, ErrorCode.UNSUPPORTED_ENCODING.code(), "codec " + m.codec() + " / compression " + m.compression()
                    + " was not offered by this peer", null);
            return;
        }
        InboundCall call = new InboundCall(this, m, System.nanoTime());
        inbound.put(id, call);
        long timeoutMs = m.timeoutMs();
        if (timeoutMs > 0) {
            call.deadlineTask = timer.schedule(() -> expire(call), timeoutMs, TimeUnit.MILLISECONDS);
        }
        try {
            handlerExecutor.execute(() -> runHandler(call, entry));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inbound.remove(id, call);
            sendError(id, ErrorCode.SHUTTING_DOWN.code(), "this peer is shutting down", null);
        }
    }

    private void expire(InboundCall call) {
        call.cancel(ErrorCode.DEADLINE_EXCEEDED);
        if (call.answered.compareAndSet(false, true)) {
            sendError(call.id, ErrorCode.DEADLINE_EXCEEDED.code(), "the deadline of " + call.method + " passed", null);
            finishInbound(call);
        }
    }

    private void runHandler(InboundCall call, Handlers.RequestEntry entry) {
        try {
            Object params = decode(call.request, entry.paramsType());
            Object result = entry.handler().handle(params, call);
            Encoded body;
            try {
                body = encode(result, null, call.request.codec());
            } catch (RuntimeException e) {
                throw new ParleyException(ErrorCode.INTERNAL_ERROR, "cannot encode the result of " + call.method + ": " + e.getMessage(), e);
            }
            if (call.answered.compareAndSet(false, true) && state != State.CLOSED) {
                writer.sendMessage(FrameKind.RESPONSE, 0, call.id, null, body.codec, body.compression, body.bytes, peerMaxFrame);
            }
        } catch (CodecException e) {
            answerError(call, e.isMalformed() ? ErrorCode.PARSE_ERROR.code() : ErrorCode.INVALID_PARAMS.code(),
                    "cannot decode the params of " + call.method + ": " + e.getMessage(), null);
        } catch (ParleyException e) {
            ErrorCode reason = call.cancelReason();
            int code = reason != null && (e.code() == ErrorCode.CANCELLED.code() || e.code() == ErrorCode.DEADLINE_EXCEEDED.code())
                    ? reason.code() : e.code();
            String message = e instanceof RemoteException r ? r.errorMessage() : e.getMessage();
            answerError(call, code, message, e instanceof RemoteException r ? r.dataJson() : null);
        } catch (IOException e) {
            LOG.debug("{}: could not answer {}: {}", transport.description(), call.method, e.toString());
        } catch (Throwable t) {
            ErrorCode reason = call.cancelReason();
            if (reason != null) {
                answerError(call, reason.code(), call.method + " was cancelled", null);
            } else {
                LOG.warn("{}: handler of {} failed", transport.description(), call.method, t);
                ObjectNode data = json.mapper().createObjectNode();
                data.put("exception", t.getClass().getName());
                answerError(call, ErrorCode.INTERNAL_ERROR.code(), call.method + " failed: " + t, data.toString());
            }
        } finally {
            finishInbound(call);
        }
    }

    private void answerError(InboundCall call, int code, String message, String dataJson) {
        if (call.answered.compareAndSet(false, true)) {
            sendError(call.id, code, message, dataJson);
        }
    }

    private void finishInbound(InboundCall call) {
        if (inbound.remove(call.id, call)) {
            handled.incrementAndGet();
            var task = call.deadlineTask;
            if (task != null) {
                task.cancel(false);
            }
            if (goodbyeSent || goodbyeReceived) {
                checkDrained();
            }
        }
    }

    void sendProgress(InboundCall call, Object value) {
        if (state == State.CLOSED) {
            return;
        }
        Encoded body = encode(value, null, call.request.codec());
        try {
            writer.sendMessage(FrameKind.PROGRESS, 0, call.id, null, body.codec, body.compression, body.bytes, peerMaxFrame);
        } catch (IOException e) {
            throw closedOr(e);
        }
    }

    private void sendError(int id, int code, String message, String dataJson) {
        ObjectNode o = json.mapper().createObjectNode();
        o.put("code", code);
        o.put("message", message);
        if (dataJson != null) {
            try {
                o.set("data", json.mapper().readTree(dataJson));
            } catch (IOException e) {
                o.put("data", dataJson);
            }
        }
        byte[] body;
        try {
            body = json.mapper().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (body.length > peerMaxFrame) {
            o.put("message", message.substring(0, Math.min(message.length(), 1024)));
            o.remove("data");
            body = o.toString().getBytes(StandardCharsets.UTF_8);
        }
        try {
            writer.send(FrameKind.ERROR, 0, id, null, Codec.JSON, 0, body, 0, body.length, Thread.currentThread() != reader);
        } catch (IOException e) {
            LOG.debug("{}: could not send ERROR {}: {}", transport.description(), code, e.toString());
        }
    }

    private void sendControl(int kind, int id, byte[] body) {
        try {
            writer.send(kind, 0, id, null, 0, 0, body, 0, body.length, false);
        } catch (IOException e) {
            LOG.debug("{}: could not send {}: {}", transport.description(), FrameKind.name(kind), e.toString());
        }
    }

    private void onCancel(int id) {
        InboundCall call = inbound.get(id);
        if (call != null) {
            call.cancel(ErrorCode.CANCELLED);
        } else if (assembler.inProgress()) {
            // a chunked REQUEST may still be arriving: the cancel applies once it is complete (SPEC §6.6)
            cancelledWhileArriving.add(id);
        }
    }

    // ------------------------------------------------------------------ answers to our calls

    private void onAnswer(Message m) {
        OutboundCall call = outbound.get(m.id());
        if (call == null) {
            LOG.debug("{}: ignored {} for unknown id {}", transport.description(), FrameKind.name(m.kind()), Integer.toUnsignedString(m.id()));
            return;
        }
        if (m.kind() == FrameKind.PROGRESS) {
            if (call.progress == null || call.gaveUp.get() || m.body().length == 0) {
                return;
            }
            Payload value;
            try {
                byte[] body = plainBody(m);
                Codec c = codecs[m.codec()];
                if (c == null) {
                    return;
                }
                value = new Payload(c, body);
            } catch (CompressionLimitException e) {
                throw new io.parley.internal.frame.MessageTooLargeException(e.getMessage());
            } catch (CodecException | UnsupportedEncodingError e) {
                LOG.debug("{}: undecodable progress for {}: {}", transport.description(), call.method, e.getMessage());
                return;
            }
            call.sequencer.execute(() -> {
                if (!call.gaveUp.get()) {
                    call.progress.onProgress(value);
                }
            });
            return;
        }
        if (!outbound.remove(m.id(), call)) {
            return;
        }
        permits.release();
        var task = call.deadlineTask;
        if (task != null) {
            task.cancel(false);
        }
        if (call.sequencer != null) {
            call.sequencer.execute(() -> call.outcome.complete(m));
        } else {
            call.outcome.complete(m);
        }
        if (goodbyeSent || goodbyeReceived) {
            checkDrained();
        }
    }

    // ------------------------------------------------------------------ notifications

    private void onNotification(Message m) {
        String method = m.method();
        Handlers.NotificationEntry entry = handlers.notification(method);
        if (entry == null) {
            if (method.equals("$/log")) {
                notifications.execute(() -> logFromPeer(m));
            } else if (!method.startsWith("$/")) {
                LOG.debug("{}: dropped notification {}: no handler", transport.description(), method);
            }
            return;
        }
        notifications.execute(() -> {
            try {
                entry.handler().handle(decode(m, entry.paramsType()), this);
            } catch (Exception e) {
                LOG.warn("{}: notification handler of {} failed", transport.description(), method, e);
            }
        });
    }

    private void logFromPeer(Message m) {
        try {
            JsonNode o = (JsonNode) decode(m, JsonNode.class);
            String level = o.path("level").asText("info");
            String text = "[peer " + (peer == null ? "?" : peer.name()) + (o.has("source") ? " " + o.get("source").asText() : "") + "] "
                    + o.path("message").asText();
            switch (level) {
                case "debug" -> LOG.debug(text);
                case "warning" -> LOG.warn(text);
                case "error" -> LOG.error(text);
                default -> LOG.info(text);
            }
        } catch (CodecException | RuntimeException e) {
            LOG.debug("{}: malformed $/log notification", transport.description());
        }
    }

    // ------------------------------------------------------------------ heartbeats

    private void startHeartbeat() {
        int h = cfg.heartbeatMs;
        if (h <= 0) {
            return;
        }
        long period = Math.max(10, h / 4);
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long silent = (now - lastReceivedNanos) / 1_000_000L;
            if (silent >= 2L * h) {
                fatal(ErrorCode.HEARTBEAT_TIMEOUT, "no frame from the peer for " + silent + " ms (heartbeat " + h + " ms)");
            } else if (silent >= h && (now - lastPingNanos) / 1_000_000L >= h) {
                lastPingNanos = now;
                sendControl(FrameKind.PING, (int) (now & 0x7FFF_FFFF), new byte[0]);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ goodbye and close

    private void startGoodbye(String reason) {
        synchronized (stateLock) {
            if (state == State.CLOSED || goodbyeSent) {
                return;
            }
            goodbyeSent = true;
            if (state == State.OPEN) {
                state = State.DRAINING;
            }
        }
        byte[] body = ("{\"reason\":" + jsonString(reason) + "}").getBytes(StandardCharsets.UTF_8);
        try {
            writer.send(FrameKind.GOODBYE, 0, 0, null, Codec.JSON, 0, body, 0, body.length, Thread.currentThread() != reader);
        } catch (IOException e) {
            LOG.debug("{}: could not send GOODBYE: {}", transport.description(), e.toString());
        }
    }

    private String jsonString(String s) {
        try {
            return json.mapper().writeValueAsString(s);
        } catch (IOException e) {
            return "\"\"";
        }
    }

    private void onGoodbye(Message m) {
        goodbyeReceived = true;
        LOG.debug("{}: peer said goodbye: {}", transport.description(), new String(m.body(), StandardCharsets.UTF_8));
        synchronized (stateLock) {
            if (state == State.OPEN) {
                state = State.DRAINING;
            }
        }
        startGoodbye("peer said goodbye");
        checkDrained();
    }

    /** SPEC §8.5 rule 4: both GOODBYEs, nothing outstanding, nothing processing → close our side. */
    private void checkDrained() {
        if (!(goodbyeSent && goodbyeReceived) || !outbound.isEmpty() || !inbound.isEmpty()) {
            return;
        }
        synchronized (stateLock) {
            if (outputShut || state == State.CLOSED) {
                return;
            }
            outputShut = true;
        }
        try {
            writer.shutdown();
            transport.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("{}: shutdownOutput: {}", transport.description(), e.toString());
        }
        timer.schedule(() -> {
            if (state != State.CLOSED) {
                terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "the peer did not close its side after GOODBYE"), 0, null);
            }
        }, cfg.drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finishOrderly() {
        synchronized (stateLock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        cleanup(null);
        closed.complete(null);
        LOG.debug("{}: session closed after GOODBYE", transport.description());
    }

    /**
     * Abrupt end (SPEC §8.6, §7.3): optionally ERROR id 0 to the peer, every pending call fails at
     * once with {@code cause}, running handlers are cancelled, the transport is closed.
     */
    private void terminate(SessionClosedException cause, int wireCode, String wireMessage) {
        synchronized (stateLock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        if (!handshake.isDone()) {
            handshake.completeExceptionally(cause);
        }
        // fail pending calls first: nothing below may delay them
        for (OutboundCall call : outbound.values()) {
            if (outbound.remove(call.id, call)) {
                var task = call.deadlineTask;
                if (task != null) {
                    task.cancel(false);
                }
                call.outcome.completeExceptionally(cause);
            }
        }
        for (InboundCall call : inbound.values()) {
            call.cancel(ErrorCode.CANCELLED);
            call.answered.set(true);
        }
        if (wireCode != 0) {
            sendFatalError(wireCode, wireMessage);
        }
        cleanup(cause);
        closed.complete(cause);
    }

    private void sendFatalError(int code, String message) {
        // best effort and bounded: the peer may not be reading
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                ObjectNode o = json.mapper().createObjectNode();
                o.put("code", code);
                o.put("message", message == null ? "" : message.length() > 4096 ? message.substring(0, 4096) : message);
                byte[] body = json.mapper().writeValueAsBytes(o);
                writer.send(FrameKind.ERROR, 0, 0, null, Codec.JSON, 0, body, 0, body.length, true);
            } catch (IOException e) {
                LOG.debug("could not send fatal ERROR: {}", e.toString());
            }
        });
        try {
            t.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cleanup(SessionClosedException cause) {
        for (OutboundCall call : outbound.values()) {
            if (outbound.remove(call.id, call)) {
                call.outcome.completeExceptionally(cause != null ? cause : new PeerGoneException("the session closed", null, List.of()));
            }
        }
        timer.shutdownNow();
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("{}: close: {}", transport.description(), e.toString());
        }
        if (ownsExecutor) {
            handlerExecutor.shutdown();
        }
    }

    private void onWriteFailure(IOException e) {
        if (state == State.CLOSED || outputShut) {
            return;
        }
        // a broken pipe means the reader will see the end soon; let it report the reason
        LOG.debug("{}: write failed: {}", transport.description(), e.toString());
    }

    // ------------------------------------------------------------------ stray bytes

    /** Aggregates a run of stray bytes into one report (count + first 256 bytes, SPEC §3.6). */
    private final class StrayReport {
        private final byte[] head = new byte[FrameDescriptor.STRAY_REPORT_BYTES];
        private int headLength;
        private long count;

        void add(byte[] b, int off, int len) {
            int n = Math.min(len, head.length - headLength);
            System.arraycopy(b, off, head, headLength, n);
            headLength += n;
            count += len;
        }

        void flush() {
            if (count == 0) {
                return;
            }
            byte[] first = java.util.Arrays.copyOf(head, headLength);
            long total = count;
            count = 0;
            headLength = 0;
            if (cfg.strayListener != null) {
                try {
                    cfg.strayListener.onStray(total, first);
                } catch (RuntimeException e) {
                    LOG.warn("stray listener failed", e);
                }
            }
            LOG.warn("{}: skipped {} stray bytes (not Parley frames): \"{}\"", transport.description(), total, printable(first));
        }

        private String printable(byte[] b) {
            StringBuilder s = new StringBuilder();
            for (byte x : b) {
                int c = x & 0xFF;
                if (c >= 0x20 && c < 0x7F) {
                    s.append((char) c);
                } else if (c == '\n') {
                    s.append("\\n");
                } else {
                    s.append("\\x").append(HEX.toHexDigits((byte) c));
                }
            }
            return s.toString();
        }
    }

    /** Receives reports of stray bytes (SPEC §3.6): how many, and the first up to 256 of them. */
    @FunctionalInterface
    public interface StrayListener {
        void onStray(long count, byte[] firstBytes);
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
        private int maxFrame = FrameDescriptor.DEFAULT_MAX_FRAME;
        private long maxMessage = FrameDescriptor.DEFAULT_MAX_MESSAGE;
        private int maxInFlight = FrameDescriptor.DEFAULT_MAX_IN_FLIGHT;
        private long maxStray = FrameDescriptor.DEFAULT_MAX_STRAY;
        private int heartbeatMs;
        private String token;
        private String peerName = VERSION_NAME;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private ExecutorService executor;
        private StrayListener strayListener;
        private long spinNanos;

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

        /** Bodies at least this large are compressed, when that makes them smaller (default 4 KiB). */
        public Builder compressionThreshold(int bytes) {
            this.compressionThreshold = bytes;
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

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /** How long {@link Session#close()} lets in-flight work finish (default 30 s). */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = timeout;
            return this;
        }

        /** Runs handlers on {@code executor} instead of a virtual thread per request. */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public Builder onStray(StrayListener listener) {
            this.strayListener = listener;
            return this;
        }

        /**
         * Blocking calls spin this long for the answer before parking (default 0). A few tens of
         * microseconds can save a wake-up per call on an otherwise idle machine.
         */
        public Builder spinWait(Duration spin) {
            this.spinNanos = spin.toNanos();
            return this;
        }

        /** Starts the session and runs the handshake; throws when it fails. */
        public Session open() throws IOException {
            if (maxMessage < maxFrame) {
                throw new IllegalArgumentException("maxMessage must be at least maxFrame");
            }
            Session s = new Session(transport, this);
            s.reader.start();
            try {
                if (transport.role() == Transport.Role.INITIATOR) {
                    s.sendHello(List.of(FrameDescriptor.VERSION));
                }
                s.handshake.get(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return s;
            } catch (TimeoutException e) {
                s.fatal(ErrorCode.HANDSHAKE_FAILED, "no HELLO from the peer within " + handshakeTimeout);
                s.awaitClosed(2000);
                throw new SessionClosedException(ErrorCode.HANDSHAKE_FAILED, "handshake with " + transport.description()
                        + " timed out after " + handshakeTimeout);
            } catch (InterruptedException e) {
                s.abort();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during the handshake", e);
            } catch (ExecutionException e) {
                s.awaitClosed(2000);
                throw rethrow(e.getCause());
            } catch (ParleyException e) {
                s.fatal(e.errorCode() == null ? ErrorCode.HANDSHAKE_FAILED : e.errorCode(), e.getMessage());
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "Session[" + transport.description() + ", " + state + "]";
    }

    static Map<String, Object> errorData(Throwable t) {
        return Map.of("exception", t.getClass().getName());
    }

    static CancellationException cancellation(String what) {
        return new CancellationException(what);
    }
}
