package io.parley.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.PeerGoneException;
import io.parley.PeerInfo;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.codec.Codec;
import io.parley.codec.CompressionLimitException;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.Message;
import io.parley.internal.frame.MessageAssembler;
import io.parley.internal.frame.ProtocolViolationException;
import io.parley.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one session (SPEC §8): CONNECTING → OPEN → DRAINING → CLOSED, with the handshake,
 * heartbeats, GOODBYE and its bounded drain, fatal errors and the abrupt close. It owns the
 * session's parts and routes each incoming message to the one that handles it.
 */
public final class Lifecycle implements Reader.Events {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final String VERSION_NAME = "parley-java/0.1.0";
    private static final int CAPS = 0x7;

    private enum State { CONNECTING, OPEN, DRAINING, CLOSED }

    private final Transport transport;
    private final Settings cfg;
    private final Bodies bodies;
    private final FrameWriter writer;
    private final Reader reader;
    private final Workers workers;
    private final ScheduledThreadPoolExecutor timer;
    private final InFlightLimit limit;
    private final Outbound outbound;
    private final Inbound inbound;
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final CompletableFuture<SessionClosedException> closed = new CompletableFuture<>();
    private final Object stateLock = new Object();

    private volatile State state = State.CONNECTING;
    private volatile PeerInfo peer;
    private volatile int peerMaxFrame = FrameDescriptor.HANDSHAKE_MAX_FRAME;
    private volatile boolean goodbyeSent;
    /** Our GOODBYE frame is in the writer (set after goodbyeSent): only then may the output close. */
    private volatile boolean goodbyeQueued;
    private volatile boolean goodbyeReceived;
    private volatile boolean outputShut;
    private volatile long lastPingNanos;

    public Lifecycle(Session session, Transport transport, Settings cfg) {
        this.transport = transport;
        this.cfg = cfg;
        String desc = transport.description();
        this.workers = new Workers(desc);
        Executor handlerExecutor = cfg.executor() != null ? cfg.executor() : workers;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Threads.platform("parley-timer " + desc, r));
        timer.setRemoveOnCancelPolicy(true);
        this.bodies = new Bodies(cfg, this::fatalTooLarge);
        this.writer = new FrameWriter(transport, this::onWriteFailure);
        SerialExecutor notifications = new SerialExecutor(handlerExecutor, t -> LOG.warn("notification handler failed", t));
        this.reader = new Reader(transport, new FrameDecoder(FrameDescriptor.HANDSHAKE_MAX_FRAME, cfg.maxStray()),
                new MessageAssembler(cfg.maxMessage()), new StrayReport(cfg.strayListener(), LOG, desc), this, handlerExecutor,
                workers, timer, notifications, writer, cfg.inlineHandlers() && cfg.executor() == null, cfg.readerTakeoverNanos());
        writer.beforeBlocking(reader::yieldRole);
        writer.flushExecutor(workers);
        this.limit = new InFlightLimit(cfg.maxQueuedCalls(), reader::yieldRole);
        this.outbound = new Outbound(this, cfg, bodies, writer, reader, limit, timer, handlerExecutor);
        this.inbound = new Inbound(this, session, cfg, bodies, writer, reader, timer);
    }

    public Outbound outbound() {
        return outbound;
    }

    public Inbound inbound() {
        return inbound;
    }

    public Bodies bodies() {
        return bodies;
    }

    public FrameWriter writer() {
        return writer;
    }

    public String description() {
        return transport.description();
    }

    // ------------------------------------------------------------------ opening

    /** Starts reading and runs the handshake (SPEC §8.2); throws when it fails. */
    public void open() throws IOException {
        reader.start();
        try {
            if (transport.role() == Transport.Role.INITIATOR) {
                sendHello(List.of(FrameDescriptor.VERSION));
            }
            handshake.get(cfg.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fatal(ErrorCode.HANDSHAKE_FAILED, "no HELLO from the peer within " + cfg.handshakeTimeout());
            awaitClosed(2000);
            throw new SessionClosedException(ErrorCode.HANDSHAKE_FAILED, "handshake with " + transport.description()
                    + " timed out after " + cfg.handshakeTimeout());
        } catch (InterruptedException e) {
            abort();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during the handshake", e);
        } catch (ExecutionException e) {
            awaitClosed(2000);
            throw Outbound.rethrow(e.getCause());
        } catch (ParleyException e) {
            fatal(e.errorCode() == null ? ErrorCode.HANDSHAKE_FAILED : e.errorCode(), e.getMessage());
            throw e;
        }
    }

    private void sendHello(List<Integer> versions) {
        Hello ours = new Hello(versions, cfg.peerName() != null ? cfg.peerName() : VERSION_NAME, bodies.offeredCodecs(),
                bodies.offeredCompressions(), cfg.maxFrame(), cfg.maxMessage(), cfg.maxInFlight(), cfg.heartbeatMs(), CAPS,
                transport.role() == Transport.Role.INITIATOR ? cfg.token() : null, ProcessHandle.current().pid());
        byte[] body = ours.toJson();
        try {
            send(FrameKind.HELLO, 0, Codec.JSON, body);
        } catch (IOException e) {
            throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "cannot send HELLO: " + e.getMessage());
        }
    }

    private void onHello(Message m) {
        if (state != State.CONNECTING) {
            throw new ProtocolViolationException("HELLO received after the handshake");
        }
        Hello theirs = Hello.parse(m.body());
        int version = FrameDescriptor.VERSION;
        if (transport.role() == Transport.Role.ACCEPTOR) {
            String required = cfg.token() != null ? cfg.token() : transport.requiredToken();
            if (required != null && (theirs.token() == null || !MessageDigest.isEqual(
                    required.getBytes(StandardCharsets.UTF_8), theirs.token().getBytes(StandardCharsets.UTF_8)))) {
                throw new ParleyException(ErrorCode.AUTH_FAILED, theirs.token() == null ? "this peer requires a token in HELLO"
                        : "wrong token");
            }
            if (!theirs.versions().contains(FrameDescriptor.VERSION)) {
                throw new ParleyException(ErrorCode.UNSUPPORTED_VERSION, "no common protocol version: the peer speaks "
                        + theirs.versions() + ", this one 1");
            }
            applyPeer(theirs, version);
            sendHello(List.of(version));
        } else {
            if (theirs.versions().size() != 1 || theirs.versions().get(0) != FrameDescriptor.VERSION) {
                throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "the acceptor chose versions " + theirs.versions()
                        + ", not one of those offered [1]");
            }
            applyPeer(theirs, version);
        }
        synchronized (stateLock) {
            if (state == State.CONNECTING) {
                state = State.OPEN;
            }
        }
        reader.maxFrame(cfg.maxFrame());
        startHeartbeat();
        LOG.debug("{}: session open with {} (pid {})", transport.description(), theirs.peer(), theirs.pid());
        handshake.complete(null);
    }

    private void applyPeer(Hello h, int version) {
        bodies.peer(h.codecs(), h.compression());
        peerMaxFrame = h.maxFrame();
        limit.limit(h.maxInFlight());
        peer = new PeerInfo(h.peer(), h.pid(), version, List.copyOf(h.codecs()), List.copyOf(h.compression()), h.maxFrame(),
                h.maxMessage(), h.maxInFlight(), h.heartbeatMs(), h.caps() & CAPS);
    }

    private void onFatalFromPeer(Message m) {
        RemoteException e = bodies.remoteError(m.body(), null);
        ErrorCode code = ErrorCode.of(e.code());
        String msg = "the peer closed the session: " + (code == null ? "" : code.name() + " ") + e.code() + " " + e.errorMessage();
        LOG.warn("{}: {}", transport.description(), msg);
        if (!handshake.isDone()) {
            handshake.completeExceptionally(new SessionClosedException(e.code(), msg));
        }
        terminate(new SessionClosedException(e.code(), msg), 0, null);
    }

    // ------------------------------------------------------------------ routing (Reader.Events)

    @Override
    public void beforeFrame(int kind, int id) {
        if (state == State.CONNECTING && kind != FrameKind.HELLO && !(kind == FrameKind.ERROR && id == 0)) {
            throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "received " + FrameKind.name(kind) + " before HELLO");
        }
    }

    @Override
    public void onMessage(Message m) {
        switch (m.kind()) {
            case FrameKind.HELLO -> onHello(m);
            case FrameKind.REQUEST -> inbound.onRequest(m);
            case FrameKind.RESPONSE, FrameKind.PROGRESS -> outbound.onAnswer(m);
            case FrameKind.ERROR -> {
                if (m.id() == 0) {
                    onFatalFromPeer(m);
                } else {
                    outbound.onAnswer(m);
                }
            }
            case FrameKind.NOTIFICATION -> inbound.onNotification(m);
            case FrameKind.CANCEL -> inbound.onCancel(m.id());
            case FrameKind.PING -> sendControl(FrameKind.PONG, m.id(), m.body());
            case FrameKind.PONG -> {
                // liveness only: any frame resets the heartbeat clock
            }
            case FrameKind.GOODBYE -> onGoodbye(m);
            default -> throw new ProtocolViolationException("unexpected kind " + m.kind());
        }
    }

    @Override
    public void onCancel(int id) {
        inbound.onCancel(id);
    }

    @Override
    public void onInvalidRequest(int id, String reason) {
        inbound.sendError(id, ErrorCode.INVALID_REQUEST.code(), reason, null);
    }

    @Override
    public void onInvalidNotification(String reason) {
        LOG.warn("{}: dropped a notification: {}", transport.description(), reason);
    }

    @Override
    public void onEndOfStream(String detail) {
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

    @Override
    public void onFatal(ErrorCode code, String message) {
        fatal(code, message);
    }

    @Override
    public void onCrash(Throwable t) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.error("{}: reader failed", transport.description(), t);
        terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "internal error in the reader: " + t, t), 0, null);
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    public boolean awaitingAnswers() {
        return outbound.awaitingAnswers();
    }

    @Override
    public void interruptedWhileReading(OutboundCall call) {
        outbound.giveUp(call, new ParleyException(ErrorCode.CANCELLED, "call interrupted"));
    }

    // ------------------------------------------------------------------ sending helpers

    /** Sends a frame with a body in one piece: queued when called while decoding input. */
    private void send(int kind, int id, int codec, byte[] body) throws IOException {
        int length = body == null ? 0 : body.length;
        if (reader.isDecodingThread()) {
            writer.queue(kind, 0, id, null, codec, 0, body, 0, length);
        } else {
            writer.send(kind, 0, id, null, codec, 0, body, 0, length);
        }
    }

    /** PING, PONG, CANCEL: best effort. */
    void sendControl(int kind, int id, byte[] body) {
        try {
            send(kind, id, 0, body);
        } catch (IOException e) {
            LOG.debug("{}: could not send {}: {}", transport.description(), FrameKind.name(kind), e.toString());
        }
    }

    // ------------------------------------------------------------------ state, for the other parts

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public PeerInfo peer() {
        return peer;
    }

    String peerName() {
        PeerInfo p = peer;
        return p == null ? "?" : p.name();
    }

    public int peerMaxFrame() {
        return peerMaxFrame;
    }

    /** Requests are processed only while OPEN and before our GOODBYE (SPEC §8.5 rule 3). */
    boolean acceptsRequests() {
        return state == State.OPEN && !goodbyeSent;
    }

    /** Throws unless new calls and notifications may be sent. */
    public void checkCanSend() {
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

    /** For calls made after the close: SESSION_CLOSED (SPEC §8.6), the reason the session ended as the cause. */
    public SessionClosedException closedException() {
        SessionClosedException cause = closed.getNow(null);
        return new SessionClosedException(ErrorCode.SESSION_CLOSED, "the session is closed"
                + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    public RuntimeException closedOr(IOException e) {
        if (state == State.CLOSED) {
            return closedException();
        }
        return transport.peerGone("write failed: " + e.getMessage());
    }

    /** A call in either direction ended: the drain may be complete. */
    void callEnded() {
        if (goodbyeSent || goodbyeReceived) {
            checkDrained();
        }
    }

    public CompletableFuture<SessionClosedException> closeFuture() {
        return closed.copy();
    }

    private RuntimeException fatalTooLarge(CompressionLimitException e) {
        ParleyException fatal = new ParleyException(ErrorCode.MESSAGE_TOO_LARGE, e.getMessage());
        terminate(new SessionClosedException(ErrorCode.MESSAGE_TOO_LARGE, e.getMessage()), ErrorCode.MESSAGE_TOO_LARGE.code(),
                e.getMessage());
        return fatal;
    }

    // ------------------------------------------------------------------ heartbeats

    private void startHeartbeat() {
        int h = cfg.heartbeatMs();
        if (h <= 0) {
            return;
        }
        long period = Math.max(10, h / 4);
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long silent = (now - reader.lastReceivedNanos()) / 1_000_000L;
            if (silent >= 2L * h) {
                fatal(ErrorCode.HEARTBEAT_TIMEOUT, "no frame from the peer for " + silent + " ms (heartbeat " + h + " ms)");
            } else if (silent >= h && (now - lastPingNanos) / 1_000_000L >= h) {
                lastPingNanos = now;
                sendControl(FrameKind.PING, (int) (now & 0x7FFF_FFFF), new byte[0]);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ goodbye, drain and close

    /**
     * Graceful close (SPEC §8.5): sends GOODBYE, stops taking new calls, lets in-flight calls in
     * both directions finish, then closes; bounded by the drain timeout. Idempotent.
     */
    public void close() {
        if (state == State.CLOSED) {
            awaitClosed(5_000);
            return;
        }
        if (state == State.CONNECTING) {
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "session closed during the handshake"), 0, null);
            return;
        }
        startGoodbye("closed by the application");
        checkDrained();
        try {
            // the drain timer closes the session at the bound; this wait only backs it up
            closed.get(cfg.drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            terminate(drainTimeout(), 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "close interrupted"), 0, null);
        } catch (ExecutionException e) {
            // closed exceptionally cannot happen: the future is completed with a value
        }
        awaitClosed(5_000);
    }

    /** Abrupt close (SPEC §8.6): pending calls fail with SESSION_CLOSED, handlers are cancelled. */
    public void abort() {
        terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "session aborted by the application"), 0, null);
    }

    private void awaitClosed(long millis) {
        try {
            closed.get(millis, TimeUnit.MILLISECONDS);
            if (!workers.isWorkerThread()) {
                workers.awaitTermination(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort
        }
    }

    private SessionClosedException drainTimeout() {
        return new SessionClosedException(ErrorCode.SESSION_CLOSED, "drain timeout: the GOODBYE exchange did not complete within "
                + cfg.drainTimeout() + " (work still in flight, or the peer did not close its side); closed abruptly");
    }

    /** Enters DRAINING (once, either side first): the drain is bounded by the drain timeout (SPEC §8.5 rule 5). */
    private void startDraining() {
        long millis = cfg.drainTimeout().toMillis();
        try {
            timer.schedule(() -> {
                if (state != State.CLOSED) {
                    LOG.warn("{}: draining took longer than {}; closing abruptly", transport.description(), cfg.drainTimeout());
                    terminate(drainTimeout(), 0, null);
                }
            }, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void startGoodbye(String reason) {
        boolean draining;
        synchronized (stateLock) {
            if (state == State.CLOSED || goodbyeSent) {
                return;
            }
            goodbyeSent = true;
            draining = state == State.OPEN;
            if (draining) {
                state = State.DRAINING;
            }
        }
        if (draining) {
            startDraining();
        }
        outbound.stopSending();
        byte[] body = ("{\"reason\":" + bodies.jsonString(reason) + "}").getBytes(StandardCharsets.UTF_8);
        try {
            send(FrameKind.GOODBYE, 0, Codec.JSON, body);
        } catch (IOException e) {
            LOG.debug("{}: could not send GOODBYE: {}", transport.description(), e.toString());
        } finally {
            goodbyeQueued = true;
        }
        checkDrained(); // the last call may have ended between goodbyeSent and now
    }

    private void onGoodbye(Message m) {
        goodbyeReceived = true;
        LOG.debug("{}: peer said goodbye: {}", transport.description(), new String(m.body(), StandardCharsets.UTF_8));
        boolean draining;
        synchronized (stateLock) {
            draining = state == State.OPEN;
            if (draining) {
                state = State.DRAINING;
            }
        }
        if (draining) {
            startDraining();
        }
        startGoodbye("peer said goodbye");
        checkDrained();
    }

    /** SPEC §8.5 rule 4: both GOODBYEs, nothing outstanding, nothing processing → close our side. */
    private void checkDrained() {
        if (!(goodbyeQueued && goodbyeReceived) || !outbound.isEmpty() || !inbound.isEmpty()) {
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
    }

    private void finishOrderly() {
        synchronized (stateLock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        reader.close();
        cleanup(null);
        closed.complete(null);
        LOG.debug("{}: session closed after GOODBYE", transport.description());
    }

    /** A fatal error detected here: ERROR id 0 to the peer, fail everything, close (SPEC §7.3). */
    public void fatal(ErrorCode code, String message) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.warn("{}: closing on {}: {}", transport.description(), code, message);
        boolean wire = code != ErrorCode.PEER_GONE && code != ErrorCode.HEARTBEAT_TIMEOUT && code != ErrorCode.SESSION_CLOSED;
        terminate(new SessionClosedException(code, message), wire ? code.code() : 0, message);
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
        outbound.failAll(cause);
        inbound.cancelAll();
        reader.close();
        if (wireCode != 0) {
            sendFatalError(wireCode, wireMessage);
        }
        cleanup(cause);
        closed.complete(cause);
    }

    private void sendFatalError(int code, String message) {
        // best effort and bounded: the peer may not be reading (a platform thread: it writes itself)
        Thread t = Threads.platform("parley-fatal " + transport.description(), () -> {
            try {
                ObjectNode o = bodies.json().mapper().createObjectNode();
                o.put("code", code);
                o.put("message", message == null ? "" : message.length() > 4096 ? message.substring(0, 4096) : message);
                byte[] body = bodies.json().mapper().writeValueAsBytes(o);
                writer.send(FrameKind.ERROR, 0, 0, null, Codec.JSON, 0, body, 0, body.length);
            } catch (IOException e) {
                LOG.debug("could not send fatal ERROR: {}", e.toString());
            }
        });
        t.start();
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cleanup(SessionClosedException cause) {
        outbound.failAll(cause != null ? cause : new PeerGoneException("the session closed", null, List.of()));
        timer.shutdownNow();
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("{}: close: {}", transport.description(), e.toString());
        }
        workers.shutdown();
    }

    private void onWriteFailure(IOException e) {
        if (state == State.CLOSED || outputShut) {
            return;
        }
        // a broken pipe means the reader will see the end soon; let it report the reason
        LOG.debug("{}: write failed: {}", transport.description(), e.toString());
    }
}
