package io.parley.conformance.single;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conformance.CaseFailed;
import io.parley.conformance.transport.Link;
import io.parley.conformance.transport.PeerProcess;
import io.parley.conformance.wire.Frame;
import io.parley.conformance.wire.FrameDecoder;
import io.parley.conformance.wire.FrameRules;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Msg;
import io.parley.conformance.wire.Reassembler;
import io.parley.conformance.wire.Wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The runner's strict wire driver for one single-peer case: one session with the testee. Every
 * frame the testee sends is checked against §3–§5 (a violation fails the case), stray output from
 * the testee fails the case unless the case allows it, PINGs are answered automatically (§8.4)
 * and {@code $/log} notifications are recorded (§4.3). Every wait is bounded.
 */
public final class Script {

    /** Default HELLO of the runner (see conformance-tests/README.md). */
    public static ObjectNode defaultHello() {
        ObjectNode h = Json.obj();
        h.putArray("versions").add(1);
        h.put("peer", "parley-conformance/1");
        h.putArray("codecs").add("json").add("raw");
        h.putArray("compression").add("deflate");
        h.put("max_frame", Wire.DEFAULT_MAX_FRAME);
        h.put("max_message", Wire.DEFAULT_MAX_MESSAGE);
        h.put("max_in_flight", 1024);
        h.put("heartbeat_ms", 0);
        h.put("caps", 7);
        return h;
    }

    private static final Object EOF = new Object();

    private record DecodeFailure(int code, String message) {}

    private final Link link;
    private final PeerProcess testee;
    private final boolean testeeIsChild;
    private final String transport;
    private final Duration wait;
    private final FrameDecoder decoder;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream stray = new ByteArrayOutputStream();
    private final List<JsonNode> logs = Collections.synchronizedList(new ArrayList<>());
    private final Object outLock = new Object();
    private volatile boolean handshakeDone;
    private volatile boolean autoPong = true;
    private volatile boolean deliverPings;
    private volatile int pingsReceived;
    private volatile String eofInfo;
    private long strayCount;
    private boolean allowStray;
    private boolean closed;
    private boolean abandoned;
    private long nextId = 1;
    private JsonNode peerHello;
    private long peerMaxFrame = Wire.PRE_HANDSHAKE_MAX_FRAME;
    // written by the reader thread (auto-PONG write failures) and the case thread
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    /**
     * Runner as initiator: our HELLO, set before it is written. The reader thread completes the
     * handshake the moment the testee's HELLO is decoded, before it decodes the next frame: the
     * testee may send anything (a heartbeat PING, a frame up to our max_frame) right after its
     * HELLO, and doing it later in the case thread would race with those frames (§8.2).
     */
    private volatile ObjectNode helloAwaitingAnswer;
    // reassembly of the testee's messages (§5), in the reader thread
    private final Reassembler reassembler = new Reassembler(Wire.DEFAULT_MAX_MESSAGE);

    public Script(Link link, PeerProcess testee, boolean testeeIsChild, String transport, Duration wait) {
        this.link = link;
        this.testee = testee;
        this.testeeIsChild = testeeIsChild;
        this.transport = transport;
        this.wait = wait;
        this.decoder = new FrameDecoder(Wire.PRE_HANDSHAKE_MAX_FRAME, Wire.DEFAULT_MAX_STRAY);
        Thread t = new Thread(this::readLoop, "script-reader");
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------ reader thread

    private void readLoop() {
        InputStream in = link.in();
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                decoder.feed(buf, 0, n, this::onEvent);
                if (decoder.failed()) break;
            }
            String left = decoder.eof(this::onEvent);
            if (left != null) eofInfo = "end of stream after " + left;
        } catch (IOException e) {
            eofInfo = "read error: " + e.getMessage();
        }
        inbox.add(EOF);
    }

    private void onEvent(FrameDecoder.Event e) {
        if (e instanceof FrameDecoder.StrayEvent s) {
            synchronized (stray) {
                strayCount += s.count();
                if (stray.size() < 4096) stray.writeBytes(s.first());
            }
        } else if (e instanceof FrameDecoder.ErrorEvent err) {
            inbox.add(new DecodeFailure(err.code(), err.message()));
        } else if (e instanceof FrameDecoder.FrameEvent fe) {
            onFrame(fe.frame());
        }
    }

    private void onFrame(Frame f) {
        if (!FrameRules.knownKind(f.kind())) {
            violations.add("testee sent a frame of unknown kind " + f.kind() + " (a v1 peer must not): " + f);
            return;
        }
        if (!handshakeDone && f.kind() != Wire.HELLO && f.kind() != Wire.ERROR) {
            violations.add("testee sent " + Wire.kindName(f.kind()) + " before the handshake completed (§8.2): " + f);
        }
        if (f.payloadLength() > currentReceiveLimit()) {
            violations.add("testee sent a frame with payload " + f.payloadLength() + " over our max_frame (§3.2): " + f);
        }
        for (Reassembler.Out o : reassembler.feed(f)) {
            if (o instanceof Reassembler.Message m) {
                deliver(m.msg());
            } else if (o instanceof Reassembler.Problem p) {
                violations.add("testee sent " + (p.fatal() ? "an invalid frame" : "a malformed message")
                        + " (" + Wire.codeName(p.code()) + "): " + p.message() + (p.message().contains(f.toString()) ? "" : ": " + f));
            }
        }
    }

    private long currentReceiveLimit() {
        return handshakeDone ? ourMaxFrame : Wire.PRE_HANDSHAKE_MAX_FRAME;
    }

    private volatile long ourMaxFrame = Wire.DEFAULT_MAX_FRAME;

    private void deliver(Msg m) {
        if (m.kind() == Wire.HELLO && !handshakeDone) {
            ObjectNode ours = helloAwaitingAnswer;
            if (ours != null) enterSession(ours);
        }
        if (m.kind() == Wire.PING && handshakeDone) {
            pingsReceived++;
            if (autoPong) sendQuietly(Wire.encode(Frame.of(Wire.PONG, 0, m.id(), 0, 0, null, m.body())));
            if (!deliverPings) return;
        }
        if (m.kind() == Wire.NOTIFICATION && "$/log".equals(safeMethod(m))) {
            try {
                logs.add(m.json());
            } catch (IllegalArgumentException e) {
                violations.add("testee sent a $/log notification whose body is not JSON: " + e.getMessage());
            }
            return;
        }
        inbox.add(m);
    }

    private static String safeMethod(Msg m) {
        try {
            return m.method();
        } catch (RuntimeException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ sending

    /** Writes bytes to the testee as they are (one write, flushed). Errors are recorded, not thrown. */
    public void sendBytes(byte[] bytes) {
        sendQuietly(bytes);
    }

    private void sendQuietly(byte[] bytes) {
        synchronized (outLock) {
            try {
                link.out().write(bytes);
                link.out().flush();
            } catch (IOException e) {
                notes.add("write failed: " + e.getMessage());
            }
        }
    }

    public void send(Frame... frames) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Frame f : frames) {
            o.writeBytes(Wire.encode(f));
            // ids chosen by a case are never handed out again by nextId()
            if (f.kind() == Wire.REQUEST && f.id() >= nextId && f.id() < 1_000_000) nextId = f.id() + 1;
        }
        sendBytes(o.toByteArray());
    }

    /** Sends the bytes one write per byte (§3.5: any split). */
    public void sendByteByByte(byte[] bytes) {
        synchronized (outLock) {
            try {
                for (byte b : bytes) {
                    link.out().write(b & 0xFF);
                    link.out().flush();
                }
            } catch (IOException e) {
                notes.add("write failed: " + e.getMessage());
            }
        }
    }

    public long nextId() {
        return nextId++;
    }

    public static Frame request(long id, String method, Object params) {
        return request(id, method, 0, params);
    }

    public static Frame request(long id, String method, long timeoutMs, Object params) {
        byte[] body = params == null ? new byte[0] : Json.bytes(Json.tree(params));
        return Frame.of(Wire.REQUEST, 0, id, body.length == 0 ? 0 : Wire.CODEC_JSON, 0, Wire.requestMeta(timeoutMs, method), body);
    }

    public static Frame notification(String method, Object params) {
        byte[] body = params == null ? new byte[0] : Json.bytes(Json.tree(params));
        return Frame.of(Wire.NOTIFICATION, 0, 0, body.length == 0 ? 0 : Wire.CODEC_JSON, 0, method.getBytes(StandardCharsets.UTF_8), body);
    }

    public static Frame jsonFrame(int kind, long id, Object value) {
        return Frame.of(kind, 0, id, Wire.CODEC_JSON, 0, null, Json.bytes(Json.tree(value)));
    }

    public static Frame error(long id, int code, String message) {
        ObjectNode e = Json.obj().put("code", code).put("message", message);
        return jsonFrame(Wire.ERROR, id, e);
    }

    public static Frame goodbye(String reason) {
        return jsonFrame(Wire.GOODBYE, 0, Json.obj().put("reason", reason));
    }

    // ------------------------------------------------------------------ receiving

    private String context() {
        StringBuilder b = new StringBuilder();
        if (!notes.isEmpty()) b.append("\n  runner notes: ").append(String.join("; ", notes));
        if (testee != null) b.append(testeeIsChild || sharedMark < 0 ? testee.tails() : testee.tailsSince(sharedMark));
        return b.toString();
    }

    public CaseFailed fail(String message) {
        return new CaseFailed(message + context());
    }

    private void checkViolations() {
        if (!violations.isEmpty()) throw fail(violations.get(0));
    }

    /** The next message (PINGs and $/log handled automatically), or a failure naming {@code what}. */
    public Msg next(String what) {
        return next(what, wait);
    }

    public Msg next(String what, Duration timeout) {
        checkViolations();
        if (closed) throw fail("expected " + what + ", but the testee had already closed the connection");
        long deadline = System.nanoTime() + timeout.toNanos();
        Object o;
        while (true) {
            try {
                o = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail("interrupted while waiting for " + what);
            }
            // a PING queued while the case wanted PINGs (S-064) but taken after it stopped
            // wanting them: it was answered already, it is not the message the case waits for
            if (o instanceof Msg p && p.kind() == Wire.PING && handshakeDone && !deliverPings) continue;
            break;
        }
        checkViolations();
        if (o == null) throw fail("expected " + what + ", but nothing arrived within " + timeout.toMillis() + " ms");
        if (o == EOF) {
            closed = true;
            throw fail("expected " + what + ", but the testee closed the connection" + eofSuffix());
        }
        if (o instanceof DecodeFailure d) {
            throw fail("the testee's output cannot be decoded: " + Wire.codeName(d.code()) + ": " + d.message());
        }
        return (Msg) o;
    }

    private String eofSuffix() {
        String s = eofInfo != null ? " (" + eofInfo + ")" : "";
        if (testeeIsChild && testee != null) {
            Integer st = testee.waitExit(Duration.ofMillis(300));
            if (st != null) s += " (child exit status " + st + ")";
        }
        return s;
    }

    /** The next message, which must satisfy {@code p}. */
    public Msg expect(String what, Predicate<Msg> p) {
        Msg m = next(what);
        if (!p.test(m)) throw fail("expected " + what + ", got " + m);
        return m;
    }

    /** RESPONSE for {@code id}; returns its JSON value (null for an empty body). */
    public JsonNode expectResult(long id) {
        Msg m = expectResponse(id);
        try {
            return m.json();
        } catch (IllegalArgumentException e) {
            throw fail("RESPONSE " + id + " has an undecodable body: " + e.getMessage());
        }
    }

    public Msg expectResponse(long id) {
        Msg m = next("RESPONSE for id " + id);
        if (m.is(Wire.RESPONSE, id)) return m;
        if (m.kind() == Wire.ERROR && (m.id() == id || m.id() == 0)) {
            throw fail("expected RESPONSE for id " + id + ", got " + m);
        }
        throw fail("expected RESPONSE for id " + id + ", got " + m);
    }

    /** ERROR for {@code id} with {@code code}; the body must be an error object (§7.1). Returns it. */
    public JsonNode expectError(long id, int code) {
        Msg m = next("ERROR " + Wire.codeName(code) + " for id " + id);
        if (!m.is(Wire.ERROR, id)) throw fail("expected ERROR " + Wire.codeName(code) + " (" + code + ") for id " + id + ", got " + m);
        JsonNode e = checkErrorObject(m);
        if (e.get("code").intValue() != code) {
            throw fail("expected ERROR code " + code + " (" + Wire.codeName(code) + ") for id " + id + ", got " + m);
        }
        return e;
    }

    private JsonNode checkErrorObject(Msg m) {
        JsonNode e;
        try {
            e = m.json();
        } catch (IllegalArgumentException ex) {
            throw fail("ERROR body is not JSON (§7.1): " + ex.getMessage());
        }
        if (e == null || !e.isObject() || !e.path("code").isIntegralNumber() || !e.path("message").isTextual()) {
            throw fail("ERROR body is not an error object with integer code and string message (§7.1): " + m);
        }
        return e;
    }

    /**
     * Fatal error (§7.3): ERROR with id 0 and {@code code}, then the testee closes the transport,
     * within the wait bound, sending nothing else.
     */
    public void expectFatal(int code) {
        Msg m = next("ERROR(id 0, " + Wire.codeName(code) + ") and close");
        if (!m.is(Wire.ERROR, 0)) throw fail("expected fatal ERROR(id 0, " + Wire.codeName(code) + ") and close, got " + m);
        JsonNode e = checkErrorObject(m);
        if (e.get("code").intValue() != code) throw fail("expected fatal ERROR code " + code + " (" + Wire.codeName(code) + "), got " + m);
        expectClosed("after the fatal ERROR");
    }

    /** End of stream from the testee within the wait bound, with no frame before it. */
    public void expectClosed(String when) {
        Object o;
        try {
            o = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted");
        }
        checkViolations();
        if (o == null) throw fail("expected the testee to close the connection " + when + ", but it stayed open for " + wait.toMillis() + " ms");
        if (o != EOF) throw fail("expected the testee to close the connection " + when + ", got " + o);
        closed = true;
    }

    /** Sends a request and expects its RESPONSE value. */
    public JsonNode call(String method, Object params) {
        long id = nextId();
        send(request(id, method, params));
        return expectResult(id);
    }

    /** "continues": the session still answers a request. */
    public void expectAlive() {
        String token = "alive-" + ThreadLocalRandom.current().nextInt(1_000_000);
        JsonNode r = call("echo", token);
        if (r == null || !token.equals(r.asText())) throw fail("session not usable: echo \"" + token + "\" returned " + r);
    }

    /**
     * Sends a PING with a unique id and body and expects its PONG as the next message: nothing the
     * testee should not have sent came before it.
     */
    public void fence() {
        long id = ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
        byte[] body = ("fence-" + id).getBytes(StandardCharsets.US_ASCII);
        send(Frame.of(Wire.PING, 0, id, 0, 0, null, body));
        Msg m = next("PONG " + id + " (fence)");
        if (!m.is(Wire.PONG, id)) throw fail("expected nothing but the PONG of our fence PING, got " + m);
        if (!java.util.Arrays.equals(m.body(), body)) throw fail("PONG body differs from the PING body: " + m);
    }

    // ------------------------------------------------------------------ handshake

    /** Runner as initiator with its default HELLO; returns the testee's HELLO (validated). */
    public JsonNode hello() {
        return hello(defaultHello());
    }

    public JsonNode hello(ObjectNode ours) {
        helloAwaitingAnswer = ours; // before the bytes leave: the answer may come at once
        send(jsonFrame(Wire.HELLO, 0, ours));
        Msg m = next("the testee's HELLO");
        if (m.kind() != Wire.HELLO) throw fail("expected HELLO, got " + m);
        JsonNode h = validateHello(m, true);
        completeHandshake(h);
        return h;
    }

    /**
     * Runner as initiator, our HELLO and {@code after} in one write (SPEC 1.1 §8.2): the testee's
     * first frame must be its HELLO. Returns the testee's HELLO (validated).
     */
    public JsonNode helloPipelined(ObjectNode ours, Frame... after) {
        helloAwaitingAnswer = ours;
        Frame[] all = new Frame[after.length + 1];
        all[0] = jsonFrame(Wire.HELLO, 0, ours);
        System.arraycopy(after, 0, all, 1, after.length);
        send(all);
        Msg m = next("the testee's HELLO");
        if (m.kind() != Wire.HELLO) throw fail("expected HELLO as the acceptor's first frame (§8.2), got " + m);
        JsonNode h = validateHello(m, true);
        completeHandshake(h);
        return h;
    }

    /** Runner as acceptor: reads the testee's HELLO (validated), answers with {@code ours}. */
    public JsonNode acceptHello(ObjectNode ours) {
        Msg m = next("the testee's HELLO (it initiates)");
        if (m.kind() != Wire.HELLO) throw fail("expected HELLO as the initiator's first frame, got " + m);
        JsonNode h = validateHello(m, false);
        // the session state must be in place before our HELLO is written: the testee may send
        // its first REQUEST as soon as it has read it (check-then-act race otherwise)
        enterSession(ours);
        send(jsonFrame(Wire.HELLO, 0, ours));
        completeHandshake(h);
        return h;
    }

    /** Our side of the handshake is complete: frame rules and limits of a session apply from now on. */
    private void enterSession(ObjectNode ours) {
        ourMaxFrame = ours.path("max_frame").asLong(Wire.DEFAULT_MAX_FRAME);
        decoder.setMaxFrame(ourMaxFrame);
        handshakeDone = true;
    }

    private void completeHandshake(JsonNode theirs) {
        peerHello = theirs;
        peerMaxFrame = theirs.get("max_frame").asLong();
    }

    /** §8.2: the HELLO frame and body rules. */
    public JsonNode validateHello(Msg m, boolean fromAcceptor) {
        if (m.id() != 0 || m.codec() != Wire.CODEC_JSON || m.compression() != 0) throw fail("HELLO frame fields wrong (§4): " + m);
        JsonNode h;
        try {
            h = m.json();
        } catch (IllegalArgumentException e) {
            throw fail("HELLO body is not JSON: " + e.getMessage());
        }
        if (h == null || !h.isObject()) throw fail("HELLO body is not a JSON object: " + m);
        List<String> problems = new ArrayList<>();
        for (String k : List.of("versions", "codecs", "compression")) if (!h.path(k).isArray()) problems.add(k + " is not an array");
        if (!h.path("peer").isTextual()) problems.add("peer is not a string");
        else if (h.get("peer").asText().length() > 256) problems.add("peer longer than 256 chars");
        for (String k : List.of("max_frame", "max_message", "max_in_flight", "heartbeat_ms", "caps")) {
            if (!h.path(k).isIntegralNumber()) problems.add(k + " is not an integer");
        }
        if (problems.isEmpty()) {
            boolean json = false;
            for (JsonNode c : h.get("codecs")) json |= "json".equals(c.asText());
            if (!json) problems.add("codecs does not list \"json\"");
            long mf = h.get("max_frame").asLong(), mm = h.get("max_message").asLong(), mi = h.get("max_in_flight").asLong();
            if (mf < Wire.MIN_MAX_FRAME || mf > Wire.MAX_MAX_FRAME) problems.add("max_frame " + mf + " outside 16384..16777216");
            if (mm < mf) problems.add("max_message " + mm + " below max_frame");
            if (mi < 1) problems.add("max_in_flight " + mi + " below 1");
            if (h.get("heartbeat_ms").asLong() < 0) problems.add("negative heartbeat_ms");
            if ((h.get("caps").asLong() & ~0x7L) != 0) problems.add("reserved caps bits set (must be 0 in v1, §8.3)");
            JsonNode v = h.get("versions");
            if (fromAcceptor && (v.size() != 1 || !v.get(0).isIntegralNumber())) problems.add("acceptor's versions must hold exactly one version, got " + v);
            if (!fromAcceptor) {
                boolean has1 = false;
                for (JsonNode x : v) has1 |= x.isIntegralNumber() && x.asInt() == 1;
                if (!has1) problems.add("initiator's versions does not contain 1: " + v);
            }
            if (fromAcceptor && h.has("token")) problems.add("acceptor sent a token (initiator only)");
        }
        if (!problems.isEmpty()) throw fail("HELLO violates §8.2: " + String.join("; ", problems) + ": " + h);
        return h;
    }

    public JsonNode peerHello() {
        return peerHello;
    }

    public long peerMaxFrame() {
        return peerMaxFrame;
    }

    // ------------------------------------------------------------------ options and state

    public void allowStray() {
        allowStray = true;
    }

    public void autoPong(boolean on) {
        autoPong = on;
    }

    public void deliverPings(boolean on) {
        deliverPings = on;
    }

    public int pingsReceived() {
        return pingsReceived;
    }

    public List<JsonNode> logs() {
        return List.copyOf(logs);
    }

    public long strayCount() {
        synchronized (stray) {
            return strayCount;
        }
    }

    public String strayText() {
        synchronized (stray) {
            return stray.toString(StandardCharsets.UTF_8);
        }
    }

    public Duration waitBound() {
        return wait;
    }

    public String transport() {
        return transport;
    }

    public PeerProcess testee() {
        return testee;
    }

    public boolean testeeIsChild() {
        return testeeIsChild;
    }

    private String serverAddress;

    /** The address a listening testee printed (sockets), else null. */
    public String serverAddress() {
        return serverAddress;
    }

    void serverAddress(String a) {
        serverAddress = a;
    }

    private long sharedMark = -1;

    /** The testee is a server shared by several cases: show only its stderr from now on. */
    void sharedServer() {
        sharedMark = testee.stderrMark();
    }

    public Link link() {
        return link;
    }

    public boolean closed() {
        return closed;
    }

    /** The case leaves the session as it is (no GOODBYE at the end): for cases that break it. */
    public void abandon() {
        abandoned = true;
    }

    public void closeOutput() {
        try {
            link.closeOutput();
        } catch (IOException e) {
            notes.add("close output: " + e.getMessage());
        }
    }

    public void note(String s) {
        notes.add(s);
    }

    // ------------------------------------------------------------------ end of case

    /**
     * Ends the case: unless the session is already closed or abandoned, runs the GOODBYE exchange
     * (§8.5) and expects the testee to close; then checks that no stray output came from it.
     */
    public void finish() {
        checkViolations();
        if (!closed && !abandoned && handshakeDone) {
            send(goodbye("conformance case done"));
            Msg m = next("GOODBYE in answer to ours (§8.5)");
            while (m.kind() == Wire.PONG) m = next("GOODBYE in answer to ours (§8.5)");
            if (m.kind() != Wire.GOODBYE) throw fail("closing: expected the testee's GOODBYE, got " + m + " (an unexpected extra frame?)");
            closeOutput();
            expectClosed("after the GOODBYE exchange (§8.5 step 4)");
        }
        synchronized (stray) {
            if (!allowStray && strayCount > 0) {
                throw fail("the testee wrote " + strayCount + " stray bytes (not frames) to the transport, first: "
                        + printable(stray.toByteArray()) + (testeeIsChild ? " (§9.1: a child MUST NOT write anything but frames to fd 1)" : ""));
            }
        }
    }

    public static String printable(byte[] b) {
        byte[] c = b.length > 120 ? java.util.Arrays.copyOf(b, 120) : b;
        boolean text = true;
        for (byte x : c) text &= (x >= 0x20 && x < 0x7F) || x == '\n' || x == '\r' || x == '\t';
        return text ? "\"" + new String(c, StandardCharsets.US_ASCII).replace("\n", "\\n") + "\"" : HexFormat.of().formatHex(c);
    }
}
