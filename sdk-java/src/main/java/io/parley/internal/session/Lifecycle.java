package io.parley.internal.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.ErrorCode;
import io.parley.HeartbeatTimeoutException;
import io.parley.ParleyException;
import io.parley.PeerGoneException;
import io.parley.PeerInfo;
import io.parley.ProtocolException;
import io.parley.RemoteException;
import io.parley.SessionClosedException;
import io.parley.ShuttingDownException;
import io.parley.codec.CompressionLimitException;
import io.parley.internal.call.Bodies;
import io.parley.internal.call.InFlightLimit;
import io.parley.internal.call.Inbound;
import io.parley.internal.call.Outbound;
import io.parley.internal.call.SessionGate;
import io.parley.internal.call.Settings;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.Message;
import io.parley.internal.frame.ProtocolViolationException;
import io.parley.internal.io.FrameWriter;
import io.parley.internal.io.ReadRole;
import io.parley.internal.io.Reader;
import io.parley.internal.io.Threads;
import io.parley.internal.io.Workers;
import io.parley.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one session (SPEC §8): CONNECTING → OPEN → DRAINING → CLOSED, with the
 * handshake (§8.2), GOODBYE and its bounded drain (§8.5), fatal errors (§7.3) and the abrupt close
 * (§8.6). It is only that: the parts are built by {@link SessionWiring}, messages are routed by
 * {@link Dispatcher}, heartbeats are {@link Heartbeat}'s. The correlation tables see it through
 * {@link SessionGate}.
 */
public final class Lifecycle implements SessionGate {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
    private static final String VERSION_NAME = "parley-java/0.1.0";
    private static final int CAPS = 0x7;

    enum State { CONNECTING, OPEN, DRAINING, CLOSED }

    private final Transport transport;
    private final Settings cfg;
    private final Bodies bodies;
    private final FrameWriter writer;
    private final ReadRole role;
    private final Reader reader;
    private final Workers workers;
    private final ScheduledThreadPoolExecutor timer;
    private final InFlightLimit limit;
    private final Heartbeat heartbeat;
    private Outbound outbound;
    private Inbound inbound;
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

    Lifecycle(Transport transport, Settings cfg, Bodies bodies, FrameWriter writer, ReadRole role, Reader reader, Workers workers,
            ScheduledThreadPoolExecutor timer, InFlightLimit limit) {
        this.transport = transport;
        this.cfg = cfg;
        this.bodies = bodies;
        this.writer = writer;
        this.role = role;
        this.reader = reader;
        this.workers = workers;
        this.timer = timer;
        this.limit = limit;
        this.heartbeat = new Heartbeat(timer, reader, writer, this::fatal);
    }

    /** The two correlation tables (set once by the wiring: they need this lifecycle as their gate). */
    void tables(Outbound outbound, Inbound inbound) {
        this.outbound = outbound;
        this.inbound = inbound;
    }

    @Override
    public String description() {
        return transport.description();
    }

    // ------------------------------------------------------------------ opening

    /** Starts reading and runs the handshake (SPEC §8.2); throws when it fails. */
    public void open() throws IOException {
        role.start();
        try {
            if (transport.role() == Transport.Role.INITIATOR) {
                sendHello(List.of(FrameDescriptor.VERSION));
            }
            handshake.get(cfg.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fatal(ErrorCode.HANDSHAKE_FAILED, "no HELLO from the peer within " + io.parley.internal.Durations.text(cfg.handshakeTimeout()));
            awaitClosed(2000);
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED.code(), "handshake with " + transport.description()
                    + " timed out after " + io.parley.internal.Durations.text(cfg.handshakeTimeout()) + ": is the peer a Parley peer, and is it started?");
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

    /** Our HELLO could not be written: the peer is gone (a child that died at start); see {@link StartupFailure}. */
    private ParleyException helloFailed(IOException e) {
        PeerGoneException gone = transport.role() == Transport.Role.INITIATOR ? StartupFailure.awaitReport(handshake, () -> awaitClosed(2000)) : null;
        return gone != null ? gone : StartupFailure.withOutput(transport.peerGone("cannot send HELLO (" + e.getMessage() + ")"), state, reader);
    }

    private void sendHello(List<Integer> versions) {
        Hello ours = new Hello(versions, cfg.peerName() != null ? cfg.peerName() : VERSION_NAME, bodies.offeredCodecs(),
                bodies.offeredCompressions(), cfg.maxFrame(), cfg.maxMessage(), cfg.maxInFlight(), cfg.heartbeatMs(), CAPS,
                transport.role() == Transport.Role.INITIATOR ? cfg.token() : null, ProcessHandle.current().pid());
        byte[] body = ours.toJson();
        try {
            writer.hello(body);
        } catch (IOException e) {
            throw helloFailed(e);
        }
    }

    void onHello(Message m) {
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
        heartbeat.start(cfg.heartbeatMs());
        FrameStall.start(timer, reader, cfg.frameStallMillis(), this::fatal);
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

    void onFatalFromPeer(Message m) {
        RemoteException e = bodies.remoteError(m.body(), null);
        ErrorCode code = ErrorCode.of(e.code());
        String msg = "the peer closed the session: " + (code == null ? "" : code.name() + " ") + e.code() + " " + e.errorMessage();
        LOG.warn("{}: {}", transport.description(), msg);
        if (!handshake.isDone()) {
            handshake.completeExceptionally(closedBy(e.code(), msg, null));
        }
        terminate(closedBy(e.code(), msg, null), 0, null);
    }

    // ------------------------------------------------------------------ input events (from the Dispatcher)

    /** Before the handshake only HELLO (and a fatal ERROR) may arrive (SPEC §8.2). */
    void checkFrameAllowed(int kind, int id) {
        if (state == State.CONNECTING && kind != FrameKind.HELLO && !(kind == FrameKind.ERROR && id == 0)) {
            throw new ParleyException(ErrorCode.HANDSHAKE_FAILED, "received " + FrameKind.name(kind) + " before HELLO");
        }
    }

    void onEndOfStream(String detail) {
        if (state == State.CLOSED) {
            return;
        }
        if (goodbyeSent && goodbyeReceived && outbound.isEmpty()) {
            finishOrderly();
            return;
        }
        PeerGoneException gone = StartupFailure.withOutput(transport.peerGone("the peer closed the stream" + (detail == null ? "" : detail)), state, reader);
        LOG.warn("{}", gone.getMessage());
        terminate(gone, 0, null);
    }

    void onCrash(Throwable t) {
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

    // ------------------------------------------------------------------ state, for the other parts

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public PeerInfo peer() {
        return peer;
    }

    @Override
    public String peerName() {
        PeerInfo p = peer;
        return p == null ? "?" : p.name();
    }

    @Override
    public int peerMaxFrame() {
        return peerMaxFrame;
    }

    @Override
    public long peerMaxMessage() {
        PeerInfo p = peer;
        return p == null ? 0 : p.maxMessage();
    }

    /** Requests are processed only while OPEN and before our GOODBYE (SPEC §8.5 rule 3). */
    @Override
    public boolean acceptsRequests() {
        return state == State.OPEN && !goodbyeSent;
    }

    /** Throws unless new calls and notifications may be sent. */
    @Override
    public void checkCanSend() {
        State s = state;
        if (s == State.OPEN) {
            return;
        }
        if (s == State.DRAINING) {
            throw new ShuttingDownException("the session is shutting down (GOODBYE); no new calls. Retry on another session");
        }
        throw closedException();
    }

    /** For calls made after the close: SESSION_CLOSED (SPEC §8.6), the reason the session ended as the cause. */
    @Override
    public SessionClosedException closedException() {
        SessionClosedException cause = closed.getNow(null);
        return new SessionClosedException(ErrorCode.SESSION_CLOSED, "the session is closed"
                + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    @Override
    public RuntimeException closedOr(IOException e) {
        if (state == State.CLOSED) {
            return closedException();
        }
        return transport.peerGone("write failed: " + e.getMessage());
    }

    /** A call in either direction ended: the drain may be complete. */
    @Override
    public void callEnded() {
        if (goodbyeSent || goodbyeReceived) {
            checkDrained();
        }
    }

    public CompletableFuture<SessionClosedException> closeFuture() {
        return closed.copy();
    }

    RuntimeException fatalTooLarge(CompressionLimitException e) {
        ParleyException fatal = new ParleyException(ErrorCode.MESSAGE_TOO_LARGE, e.getMessage());
        terminate(closedBy(ErrorCode.MESSAGE_TOO_LARGE.code(), e.getMessage(), null), ErrorCode.MESSAGE_TOO_LARGE.code(),
                e.getMessage());
        return fatal;
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

    /**
     * Graceful close bounded by {@code timeout} (SPEC §8.5): GOODBYE, then the drain; when it has
     * not finished within {@code timeout} the session is aborted. Does not wait for the session's
     * threads to end. Returns within {@code timeout} plus the time the transport's close takes
     * (a child process: up to its grace period and 4 s more; none for sockets).
     */
    public void close(Duration timeout) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CONNECTING) {
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "session closed during the handshake"), 0, null);
            return;
        }
        startGoodbye("closed by the application");
        checkDrained();
        try {
            closed.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "close(" + timeout.toMillis()
                    + " ms): the GOODBYE exchange did not complete in time (work still in flight, or the peer did not close "
                    + "its side); closed abruptly"), 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, "close interrupted"), 0, null);
        } catch (ExecutionException e) {
            // cannot happen: the future is completed with a value
        }
    }

    /** Abrupt close (SPEC §8.6): pending calls fail with SESSION_CLOSED, handlers are cancelled. */
    public void abort() {
        abort("session aborted by the application");
    }

    /** As {@link #abort()}, with the reason pending calls see. */
    public void abort(String reason) {
        terminate(new SessionClosedException(ErrorCode.SESSION_CLOSED, reason), 0, null);
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
            writer.goodbye(body);
        } catch (IOException e) {
            LOG.debug("{}: could not send GOODBYE: {}", transport.description(), e.toString());
        } finally {
            goodbyeQueued = true;
        }
        checkDrained(); // the last call may have ended between goodbyeSent and now
    }

    void onGoodbye(Message m) {
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
        role.close();
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
        terminate(closedBy(code.code(), message, null), wire ? code.code() : 0, message);
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
        role.close();
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
                writer.error(0, body);
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

    /** The exception for a session that ended with {@code code}: the class of the exception tree that names it. */
    static SessionClosedException closedBy(int code, String message, Throwable cause) {
        ErrorCode c = ErrorCode.of(code);
        if (c == ErrorCode.SHUTTING_DOWN) {
            return new ShuttingDownException(message);
        }
        if (c == ErrorCode.HEARTBEAT_TIMEOUT) {
            return new HeartbeatTimeoutException(message);
        }
        if (c == ErrorCode.PEER_GONE) {
            return new PeerGoneException(message, null, List.of());
        }
        if (c == ErrorCode.SESSION_CLOSED) {
            return new SessionClosedException(code, message, cause);
        }
        return new ProtocolException(code, message, cause);
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

    void onWriteFailure(IOException e) {
        if (state == State.CLOSED || outputShut) {
            return;
        }
        // a broken pipe means the reader will see the end soon; let it report the reason
        LOG.debug("{}: write failed: {}", transport.description(), e.toString());
    }
}
