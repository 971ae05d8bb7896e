package io.parley.conformance.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conformance.wire.Frame;
import io.parley.conformance.wire.FrameDecoder;
import io.parley.conformance.wire.FrameRules;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.parley.conformance.wire.Wire.*;

/**
 * A deliberately small but spec-following Parley session, used only by the runner's own tests
 * (the real testees are sdk-java and sdk-php). Built on the runner's wire classes. {@code bugs}
 * inject faults so that tests can prove the cases do fail.
 */
final class FakeSession {

    static final int CODEC_FAKE_NATIVE = 200;

    /** A Parley error with its code. */
    static final class PeerError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        PeerError(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** A decoded message value: codec + plain body. */
    record Value(int codec, byte[] body) {
        static Value json(Object v) {
            if (v == null) return new Value(0, new byte[0]);
            return new Value(CODEC_JSON, Json.bytes(Json.tree(v)));
        }

        JsonNode json() {
            return body.length == 0 ? null : Json.parse(body);
        }
    }

    interface Handler {
        Value handle(Ctx ctx, Value params) throws Exception;
    }

    /** A running incoming request. */
    final class Ctx {
        final long id;
        final boolean wantProgress;
        final AtomicBoolean answered = new AtomicBoolean();
        volatile boolean cancelled;
        volatile boolean expired;

        Ctx(long id, boolean wantProgress) {
            this.id = id;
            this.wantProgress = wantProgress;
        }

        boolean stopped() {
            return cancelled || expired || closed;
        }

        void checkStopped() throws PeerError {
            if (expired) throw new PeerError(DEADLINE_EXCEEDED, "deadline exceeded");
            if (cancelled || closed) throw new PeerError(CANCELLED, "cancelled");
        }

        void progress(Object v) {
            if (wantProgress) sendMessage(PROGRESS, 0, id, Value.json(v), null);
        }

        FakeSession session() {
            return FakeSession.this;
        }
    }

    /** An outgoing call. */
    final class Call {
        final long id;
        final CompletableFuture<Value> result = new CompletableFuture<>();
        final Consumer<JsonNode> onProgress;
        final AtomicBoolean cancelSent = new AtomicBoolean();
        volatile boolean sent; // false while queued behind the peer's max_in_flight (§6.5)

        Call(long id, Consumer<JsonNode> onProgress) {
            this.id = id;
            this.onProgress = onProgress;
        }

        /** Cancels locally and sends CANCEL once (§6.6); the id stays outstanding until its terminal frame. */
        void cancel() {
            if (cancelSent.compareAndSet(false, true)) {
                result.completeExceptionally(new PeerError(CANCELLED, "cancelled locally"));
                if (!closed && sent) sendFrame(Frame.of(CANCEL, 0, id, 0, 0, null, null));
            }
        }
    }

    /** A call waiting for a free slot of the peer's max_in_flight, with what sends its REQUEST. */
    private record Queued(Call call, Runnable send) { }

    final Options opts;
    final boolean initiator;
    private final InputStream in;
    private final OutputStream out;
    private final Runnable closeOutput;
    final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    final Map<String, Consumer<JsonNode>> notificationHandlers = new ConcurrentHashMap<>();
    final Map<String, List<JsonNode>> notes = new ConcurrentHashMap<>();
    private final Map<Long, Ctx> processing = new ConcurrentHashMap<>();
    private final Map<Long, Call> outgoing = new ConcurrentHashMap<>();
    private final java.util.ArrayDeque<Queued> waiting = new java.util.ArrayDeque<>(); // guards callsOut too
    private int callsOut; // REQUESTs sent whose terminal frame has not arrived (§6.5)
    private volatile long stalledSince; // nanoTime of the last payload byte of an incomplete frame, 0 if none
    private final ScheduledExecutorService timer;
    private final AtomicLong nextId = new AtomicLong(1);
    final AtomicInteger handled = new AtomicInteger(), cancelledCount = new AtomicInteger(), deadlineCount = new AtomicInteger();
    final ByteArrayOutputStream strayBytes = new ByteArrayOutputStream();
    final CompletableFuture<String> closedFuture = new CompletableFuture<>();
    final CompletableFuture<Void> handshake = new CompletableFuture<>();
    final Set<String> bugs;
    volatile Supplier<String> goneReason = () -> "";
    private volatile boolean closed;
    private volatile boolean goodbyeSent, goodbyeReceived, outputClosed;
    private volatile long lastReceived = System.nanoTime();
    private JsonNode peerHello;
    private long peerMaxFrame = PRE_HANDSHAKE_MAX_FRAME;
    // reassembly
    private Frame asmFirst;
    private ByteArrayOutputStream asmBody;
    private boolean asmCancelled;
    volatile Runnable onShutdownRequested = () -> { };

    FakeSession(InputStream in, OutputStream out, Runnable closeOutput, Options opts, boolean initiator) {
        this.in = in;
        this.out = out;
        this.closeOutput = closeOutput;
        this.opts = opts;
        this.initiator = initiator;
        this.bugs = opts.bugs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-timer");
            t.setDaemon(true);
            return t;
        });
    }

    ObjectNode ourHello() {
        ObjectNode h = Json.obj();
        h.putArray("versions").add(1);
        h.put("peer", "parley-fake/0");
        h.putArray("codecs").add("json").add("raw").add("fake-native");
        h.putArray("compression").add("deflate");
        h.put("max_frame", opts.maxFrame);
        h.put("max_message", opts.maxMessage);
        h.put("max_in_flight", opts.maxInFlight);
        h.put("heartbeat_ms", opts.heartbeatMs);
        h.put("caps", 7);
        if (initiator && opts.token != null) h.put("token", opts.token);
        return h;
    }

    // ------------------------------------------------------------------ output

    private final Object writeLock = new Object();

    void writeRaw(byte[] b) {
        synchronized (writeLock) {
            if (outputClosed) return;
            try {
                out.write(b);
                out.flush();
            } catch (IOException e) {
                // peer gone: the reader will see it
            }
        }
    }

    void sendFrame(Frame f) {
        writeRaw(Wire.encode(f));
    }

    /** Sends a message, chunked to the peer's max_frame (§5). */
    void sendMessage(int kind, int flags, long id, Value v, byte[] meta) {
        sendMessage(kind, flags, id, v, meta, true);
    }

    void sendMessage(int kind, int flags, long id, Value v, byte[] meta, boolean mayCompress) {
        byte[] body = v.body();
        int comp = 0;
        if (mayCompress && body.length > 4096 && peerListed("compression", "deflate") && !bugs.contains("no-compress")) {
            byte[] d = Wire.deflate(body);
            if (d.length < body.length) {
                body = d;
                comp = COMP_DEFLATE;
            }
        }
        int codec = body.length == 0 ? 0 : v.codec();
        byte[] m = meta == null ? new byte[0] : meta;
        long limit = peerMaxFrame;
        if (m.length + body.length <= limit) {
            sendFrame(Frame.of(kind, flags, id, codec, comp, m, body));
            return;
        }
        synchronized (writeLock) {
            int off = 0;
            boolean first = true;
            while (off < body.length || first) {
                int room = (int) (limit - (first ? m.length : 0));
                int n = Math.min(room, body.length - off);
                boolean last = off + n >= body.length;
                int f = (first ? flags : 0) | (last ? 0 : MORE) | (first ? 0 : CONTINUATION);
                sendFrame(Frame.of(kind, f, id, codec, comp, first ? m : null, Arrays.copyOfRange(body, off, off + n)));
                off += n;
                first = false;
            }
        }
    }

    boolean peerListed(String member, String name) {
        if (peerHello == null) return false;
        for (JsonNode n : peerHello.path(member)) if (name.equals(n.asText())) return true;
        return false;
    }

    JsonNode peerHello() {
        return peerHello;
    }

    private void sendError(long id, int code, String message) {
        sendFrame(Frame.of(ERROR, 0, id, CODEC_JSON, 0, null, Json.bytes(Json.obj().put("code", code).put("message", message))));
    }

    private void fatal(int code, String message) {
        if (closed) return;
        sendError(0, code, message);
        if (bugs.contains("die-after-fatal")) {
            // a listening server must survive a fatal error on one connection; this one dies
            // 20 ms after sending it (after the runner saw the ERROR and, usually, the close)
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
                Runtime.getRuntime().halt(4);
            });
            t.setDaemon(true);
            t.start();
        }
        shutdownSession("fatal " + Wire.codeName(code) + ": " + message, code);
    }

    private void closeOut() {
        synchronized (writeLock) {
            if (outputClosed) return;
            outputClosed = true;
        }
        closeOutput.run();
    }

    private void shutdownSession(String reason, int code) {
        if (closed) return;
        closed = true;
        closeOut();
        for (Call c : outgoing.values()) c.result.completeExceptionally(new PeerError(code, reason + goneReason.get()));
        outgoing.clear();
        for (Ctx c : processing.values()) c.cancelled = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closedFuture.complete(reason);
        timer.shutdownNow();
    }

    // ------------------------------------------------------------------ public API

    /** Runs the read loop until the session ends (blocking). */
    void run() {
        if (initiator) sendFrame(Frame.of(HELLO, 0, 0, CODEC_JSON, 0, null, Json.bytes(ourHello())));
        if (opts.heartbeatMs > 0) {
            long h = opts.heartbeatMs;
            timer.scheduleAtFixedRate(() -> {
                if (handshake.isDone() && !closed && System.nanoTime() - lastReceived >= h * 1_000_000L) {
                    sendFrame(Frame.of(PING, 0, 1, 0, 0, null, "hb".getBytes(StandardCharsets.US_ASCII)));
                }
            }, h, h, TimeUnit.MILLISECONDS);
        }
        FrameDecoder dec = new FrameDecoder(PRE_HANDSHAKE_MAX_FRAME, DEFAULT_MAX_STRAY);
        long stall = opts.frameStallMs;
        timer.scheduleAtFixedRate(() -> { // SPEC 1.1 §3.5: a payload that stops arriving is bounded
            long since = stalledSince;
            if (since != 0 && System.nanoTime() - since >= stall * 1_000_000L) fatal(PROTOCOL_ERROR, "stalled inside a frame");
        }, stall / 4, Math.max(1, stall / 4), TimeUnit.MILLISECONDS);
        byte[] buf = new byte[65536];
        String reason = "end of stream";
        try {
            int n;
            while (!closed && (n = in.read(buf)) >= 0) {
                dec.feed(buf, 0, n, e -> onEvent(e, dec));
                stalledSince = dec.insideFrame() ? System.nanoTime() : 0;
            }
            if (!closed) {
                String left = dec.eof(e -> { });
                if (left != null) reason = "end of stream after " + left;
            }
        } catch (IOException e) {
            reason = "read error: " + e.getMessage();
        }
        boolean clean = goodbyeSent && goodbyeReceived;
        shutdownSession(clean ? "closed" : reason, clean ? SESSION_CLOSED : PEER_GONE);
    }

    CompletableFuture<Value> call(String method, Value params) {
        return newCall(method, params, 0, 0, null, null).result;
    }

    Call newCall(String method, Value params, long timeoutMs, int compression, Consumer<JsonNode> onProgress, Integer forceCodec) {
        long id = nextId.getAndIncrement();
        Call c = new Call(id, onProgress);
        if (closed) {
            c.result.completeExceptionally(new PeerError(SESSION_CLOSED, "session closed" + goneReason.get()));
            return c;
        }
        if (goodbyeSent || goodbyeReceived) {
            c.result.completeExceptionally(new PeerError(SHUTTING_DOWN, "session is shutting down"));
            return c;
        }
        outgoing.put(id, c);
        if (timeoutMs > 0) {
            timer.schedule(() -> {
                if (!c.result.isDone()) {
                    c.result.completeExceptionally(new PeerError(DEADLINE_EXCEEDED, "deadline exceeded (local)"));
                    if (c.sent && c.cancelSent.compareAndSet(false, true) && !closed) sendFrame(Frame.of(CANCEL, 0, id, 0, 0, null, null));
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
        }
        byte[] meta = requestMeta(timeoutMs, method);
        int flags = onProgress != null ? WANT_PROGRESS : 0;
        sendOrQueue(c, () -> {
            if (compression == COMP_DEFLATE) {
                byte[] d = Wire.deflate(params.body());
                sendFrame(Frame.of(REQUEST, flags, id, params.codec(), COMP_DEFLATE, meta, d));
            } else {
                sendMessage(REQUEST, flags, id, params, meta, compression != 0);
            }
        });
        return c;
    }

    /** Sends a REQUEST now, or queues it while the peer's max_in_flight is used up (§6.5: queue or fail locally). */
    private void sendOrQueue(Call c, Runnable send) {
        synchronized (waiting) {
            long max = peerHello == null ? Long.MAX_VALUE : peerHello.path("max_in_flight").asLong(Long.MAX_VALUE);
            if (callsOut >= max || !waiting.isEmpty()) {
                waiting.add(new Queued(c, send));
                return;
            }
            callsOut++;
            c.sent = true;
        }
        send.run();
    }

    /** A sent call got its terminal frame: its slot goes to the first queued call still wanted. */
    private void released() {
        Queued next;
        synchronized (waiting) {
            callsOut--;
            while ((next = waiting.poll()) != null && next.call().result.isDone()) outgoing.remove(next.call().id);
            if (next == null) return;
            callsOut++;
            next.call().sent = true;
        }
        if (!closed) next.send().run();
    }

    void notify(String method, Object params) {
        if (closed || goodbyeSent) return;
        sendMessage(NOTIFICATION, 0, 0, Value.json(params), method.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts GOODBYE (§8.5). */
    synchronized void goodbye(String reason) {
        if (goodbyeSent || closed) return;
        // send first, then flag: maybeClose() on another thread must not close before our GOODBYE is out
        sendFrame(Frame.of(GOODBYE, 0, 0, CODEC_JSON, 0, null, Json.bytes(Json.obj().put("reason", reason))));
        goodbyeSent = true;
        maybeClose();
    }

    boolean isClosed() {
        return closed;
    }

    private synchronized void maybeClose() {
        if (goodbyeSent && goodbyeReceived && processing.isEmpty() && outgoing.isEmpty()) closeOut();
    }

    // ------------------------------------------------------------------ input

    private void onEvent(FrameDecoder.Event e, FrameDecoder dec) {
        if (closed) return;
        if (e instanceof FrameDecoder.StrayEvent s) {
            synchronized (strayBytes) {
                strayBytes.writeBytes(s.first());
            }
            System.err.println("fake: skipped " + s.count() + " stray bytes");
        } else if (e instanceof FrameDecoder.ErrorEvent err) {
            fatal(err.code(), err.message());
        } else if (e instanceof FrameDecoder.FrameEvent fe) {
            lastReceived = System.nanoTime();
            try {
                onFrame(fe.frame(), dec);
            } catch (RuntimeException ex) {
                ex.printStackTrace();
                fatal(PROTOCOL_ERROR, "internal: " + ex);
            }
        }
    }

    private void onFrame(Frame f, FrameDecoder dec) {
        if (!handshake.isDone()) {
            onHandshakeFrame(f, dec);
            return;
        }
        if (!FrameRules.knownKind(f.kind())) return; // §4: skipped
        String v = FrameRules.violation(f);
        if (v != null && !bugs.contains("lenient")) {
            fatal(PROTOCOL_ERROR, v);
            return;
        }
        switch (f.kind()) {
            case REQUEST, RESPONSE, NOTIFICATION, PROGRESS -> reassemble(f);
            case ERROR -> {
                if (f.id() == 0) {
                    String msg = f.bodyText();
                    shutdownSession("peer sent a fatal error: " + msg, PEER_GONE);
                    return;
                }
                Call c = outgoing.remove(f.id());
                if (c != null) {
                    released();
                    JsonNode err;
                    try {
                        err = Json.parse(f.body());
                        c.result.completeExceptionally(new PeerError(err.path("code").asInt(INTERNAL_ERROR), err.path("message").asText("")));
                    } catch (IllegalArgumentException ex) {
                        c.result.completeExceptionally(new PeerError(PARSE_ERROR, "malformed error body: " + f.bodyText()));
                    }
                    maybeClose();
                }
            }
            case CANCEL -> {
                Ctx c = processing.get(f.id());
                if (c != null) c.cancelled = true;
                else if (asmFirst != null && asmFirst.kind() == REQUEST && asmFirst.id() == f.id()) asmCancelled = true;
            }
            case PING -> {
                if (!bugs.contains("no-pong")) sendFrame(Frame.of(PONG, 0, f.id(), 0, 0, null, f.body()));
            }
            case PONG -> { }
            case GOODBYE -> {
                goodbyeReceived = true;
                if (!goodbyeSent) goodbye("peer said goodbye");
                maybeClose();
            }
            case HELLO -> fatal(PROTOCOL_ERROR, "HELLO after the handshake");
            default -> { }
        }
    }

    private void onHandshakeFrame(Frame f, FrameDecoder dec) {
        if (f.kind() == ERROR && f.id() == 0) {
            shutdownSession("peer refused the handshake: " + f.bodyText(), HANDSHAKE_FAILED);
            return;
        }
        if (f.kind() != HELLO) {
            fatal(HANDSHAKE_FAILED, "frame of kind " + f.kind() + " before HELLO");
            return;
        }
        String v = FrameRules.violation(f);
        if (v != null) {
            fatal(HANDSHAKE_FAILED, v);
            return;
        }
        JsonNode h;
        try {
            h = Json.parse(f.body());
        } catch (IllegalArgumentException e) {
            fatal(HANDSHAKE_FAILED, "HELLO is not JSON");
            return;
        }
        if (!h.isObject() || !h.path("versions").isArray() || !h.path("peer").isTextual() || !h.path("codecs").isArray()
                || !h.path("compression").isArray()) {
            fatal(HANDSHAKE_FAILED, "HELLO lacks required members");
            return;
        }
        for (String k : List.of("max_frame", "max_message", "max_in_flight", "heartbeat_ms", "caps")) {
            if (!h.path(k).isIntegralNumber()) {
                fatal(HANDSHAKE_FAILED, "HELLO member " + k + " missing or not an integer");
                return;
            }
        }
        String peerName = h.get("peer").asText();
        if (h.get("versions").isEmpty() || peerName.codePointCount(0, peerName.length()) > 256) { // SPEC 1.1 §8.2
            fatal(HANDSHAKE_FAILED, "HELLO versions empty or peer name over 256 characters");
            return;
        }
        boolean v1 = false;
        for (JsonNode x : h.get("versions")) v1 |= x.isIntegralNumber() && x.asInt() == 1;
        if (initiator) {
            if (h.get("versions").size() != 1 || !v1) {
                fatal(HANDSHAKE_FAILED, "acceptor chose a version we did not offer: " + h.get("versions"));
                return;
            }
        } else {
            if (opts.token != null && !bugs.contains("no-auth")) {
                String t = h.path("token").asText(null);
                if (t == null || !MessageDigest.isEqual(t.getBytes(StandardCharsets.UTF_8), opts.token.getBytes(StandardCharsets.UTF_8))) {
                    fatal(AUTH_FAILED, "token missing or wrong");
                    return;
                }
            }
            if (!v1) {
                fatal(UNSUPPORTED_VERSION, "no common version in " + h.get("versions"));
                return;
            }
        }
        boolean json = false;
        for (JsonNode x : h.get("codecs")) json |= "json".equals(x.asText());
        long mf = h.get("max_frame").asLong(), mm = h.get("max_message").asLong(), mi = h.get("max_in_flight").asLong();
        if (!json || mf < MIN_MAX_FRAME || mf > MAX_MAX_FRAME || mm < mf || mi < 1) {
            fatal(HANDSHAKE_FAILED, "HELLO values out of range or json missing");
            return;
        }
        peerHello = h;
        peerMaxFrame = mf;
        dec.setMaxFrame(opts.maxFrame);
        if (!initiator) sendFrame(Frame.of(HELLO, 0, 0, CODEC_JSON, 0, null, Json.bytes(ourHello())));
        handshake.complete(null);
    }

    private void reassemble(Frame f) {
        if (f.has(CONTINUATION)) {
            if (asmFirst == null || asmFirst.kind() != f.kind() || asmFirst.id() != f.id() || asmFirst.codec() != f.codec()
                    || asmFirst.compression() != f.compression()) {
                fatal(PROTOCOL_ERROR, "CONTINUATION without a matching message in progress");
                return;
            }
            asmBody.writeBytes(f.body());
            if (asmBody.size() > opts.maxMessage) {
                fatal(MESSAGE_TOO_LARGE, "message over max_message");
                return;
            }
            if (!f.has(MORE)) {
                Frame first = asmFirst;
                boolean cancelled = asmCancelled;
                asmFirst = null;
                onMessage(first, asmBody.toByteArray(), cancelled);
            }
            return;
        }
        if (f.has(MORE)) {
            if (asmFirst != null) {
                fatal(PROTOCOL_ERROR, "new chunked message while another is in progress");
                return;
            }
            if (f.kind() == REQUEST && processing.containsKey(f.id())) {
                fatal(PROTOCOL_ERROR, "duplicate request id " + f.id());
                return;
            }
            asmFirst = f;
            asmCancelled = false;
            asmBody = new ByteArrayOutputStream();
            asmBody.writeBytes(f.body());
            if (asmBody.size() > opts.maxMessage) fatal(MESSAGE_TOO_LARGE, "message over max_message");
            return;
        }
        onMessage(f, f.body(), false);
    }

    private Value decode(Frame first, byte[] body) throws PeerError {
        if (body.length == 0) return new Value(0, body);
        if (first.compression() == COMP_DEFLATE) {
            try {
                body = Wire.inflate(body, opts.maxMessage);
            } catch (java.util.zip.DataFormatException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("inflated size over")) throw new PeerError(MESSAGE_TOO_LARGE, "decompressed body over max_message");
                throw new PeerError(PARSE_ERROR, "cannot inflate: " + e.getMessage());
            }
        } else if (first.compression() != 0) {
            throw new PeerError(UNSUPPORTED_ENCODING, "compression " + first.compression() + " not offered");
        }
        int codec = first.codec();
        if (codec != CODEC_JSON && codec != CODEC_RAW && codec != CODEC_FAKE_NATIVE) throw new PeerError(UNSUPPORTED_ENCODING, "codec " + codec + " not offered");
        if (codec == CODEC_JSON) {
            JsonNode tree;
            try {
                tree = Json.parse(body);
            } catch (IllegalArgumentException e) {
                throw new PeerError(PARSE_ERROR, e.getMessage());
            }
            String bad = unkeepable(tree);
            if (bad != null) throw new PeerError(PARSE_ERROR, bad + " (SPEC 1.1 §10.1)");
        }
        return new Value(codec, body);
    }

    private void onMessage(Frame first, byte[] body, boolean cancelledEarly) {
        switch (first.kind()) {
            case REQUEST -> onRequest(first, body, cancelledEarly);
            case RESPONSE -> {
                Call c = outgoing.remove(first.id());
                if (c == null) return;
                released();
                try {
                    c.result.complete(decode(first, body));
                } catch (PeerError e) {
                    c.result.completeExceptionally(e);
                }
                maybeClose();
            }
            case PROGRESS -> {
                Call c = outgoing.get(first.id());
                if (c == null || c.onProgress == null || c.result.isDone()) return;
                try {
                    c.onProgress.accept(decode(first, body).json());
                } catch (PeerError ignored) {
                    // dropped
                }
            }
            case NOTIFICATION -> {
                byte[] m = first.meta();
                if (m.length < 1 || m.length > 255 || !FrameRules.validUtf8(m, 0, m.length)) {
                    System.err.println("fake: dropped a notification with a malformed method");
                    return;
                }
                String method = new String(m, StandardCharsets.UTF_8);
                JsonNode params;
                try {
                    params = decode(first, body).json();
                } catch (PeerError | IllegalArgumentException e) {
                    System.err.println("fake: dropped undecodable notification " + method);
                    return;
                }
                if (method.startsWith("$/")) return;
                notes.computeIfAbsent(method, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(params == null ? Json.M.nullNode() : params);
                Consumer<JsonNode> h = notificationHandlers.get(method);
                if (h != null) h.accept(params);
            }
            default -> { }
        }
    }

    private void onRequest(Frame first, byte[] body, boolean cancelledEarly) {
        long id = first.id();
        if (processing.containsKey(id) && !bugs.contains("allow-dup")) {
            fatal(PROTOCOL_ERROR, "duplicate request id " + id);
            return;
        }
        String bad = FrameRules.invalidRequestMeta(first.meta());
        if (bad != null) {
            sendError(id, INVALID_REQUEST, "invalid request meta: " + bad);
            return;
        }
        if (cancelledEarly) {
            cancelledCount.incrementAndGet();
            sendError(id, CANCELLED, "cancelled before it was complete");
            return;
        }
        if (goodbyeSent) {
            sendError(id, SHUTTING_DOWN, "shutting down");
            return;
        }
        if (processing.size() >= opts.maxInFlight) {
            sendError(id, OVERLOADED, "over max_in_flight " + opts.maxInFlight);
            return;
        }
        String method = FrameRules.method(first);
        Value params;
        try {
            params = decode(first, body);
        } catch (PeerError e) {
            if (e.code == MESSAGE_TOO_LARGE) fatal(MESSAGE_TOO_LARGE, e.getMessage());
            else sendError(id, e.code, e.getMessage());
            return;
        }
        Handler h = handlers.get(method);
        if (h == null) {
            sendError(id, METHOD_NOT_FOUND, "no such method: " + method);
            return;
        }
        Ctx ctx = new Ctx(id, first.has(WANT_PROGRESS));
        processing.put(id, ctx);
        long timeout = FrameRules.timeoutMs(first.meta());
        if (timeout > 0 && !bugs.contains("ignore-deadline")) {
            timer.schedule(() -> {
                ctx.expired = true;
                finish(ctx, null, new PeerError(DEADLINE_EXCEEDED, "deadline exceeded"));
            }, timeout, TimeUnit.MILLISECONDS);
        }
        daemonThread(() -> {
            try {
                Value r = h.handle(ctx, params);
                finish(ctx, r, null);
            } catch (PeerError e) {
                finish(ctx, null, e);
            } catch (Exception e) {
                finish(ctx, null, new PeerError(INTERNAL_ERROR, String.valueOf(e)));
            }
        });
    }

    private void finish(Ctx ctx, Value result, PeerError err) {
        if (!ctx.answered.compareAndSet(false, true)) return;
        synchronized (this) {
            // the id is free once answered (§6.1): remove it before the peer can see the answer
            processing.remove(ctx.id);
            answer(ctx, result, err);
        }
        handled.incrementAndGet();
        maybeClose();
    }

    private void answer(Ctx ctx, Value result, PeerError err) {
        if (!closed) {
            long callerMax = peerHello == null ? Long.MAX_VALUE : peerHello.path("max_message").asLong(Long.MAX_VALUE);
            if (err == null && result != null && result.body().length > callerMax) { // SPEC 1.1 §6.2
                sendError(ctx.id, MESSAGE_TOO_LARGE, "result over the caller's max_message");
            } else if (err == null) {
                sendMessage(RESPONSE, 0, ctx.id, result == null ? Value.json(null) : result, null);
            } else {
                if (err.code == CANCELLED) cancelledCount.incrementAndGet();
                if (err.code == DEADLINE_EXCEEDED) deadlineCount.incrementAndGet();
                sendError(ctx.id, err.code, err.getMessage());
            }
        }
    }

    int inFlight() {
        return processing.size();
    }

    /** Starts {@code body} on a daemon platform thread (the suite compiles with --release 17). */
    private static Thread daemonThread(Runnable body) {
        Thread t = new Thread(body);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** SPEC 1.1 §10.1: what no peer keeps exactly (an integer beyond 64 bits, a number beyond a double, a lone surrogate), or null. */
    private static String unkeepable(JsonNode n) {
        if (n.isIntegralNumber() && n.bigIntegerValue().bitLength() > 63) return "integer outside 64 bits";
        if (n.isFloatingPointNumber() && Double.isInfinite(n.doubleValue())) return "number beyond a double";
        if (n.isTextual() && loneSurrogate(n.textValue())) return "unpaired surrogate";
        if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (loneSurrogate(e.getKey())) return "unpaired surrogate";
                String r = unkeepable(e.getValue());
                if (r != null) return r;
            }
        }
        if (n.isArray()) {
            for (JsonNode x : n) {
                String r = unkeepable(x);
                if (r != null) return r;
            }
        }
        return null;
    }

    private static boolean loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return true;
        }
        return false;
    }
}
