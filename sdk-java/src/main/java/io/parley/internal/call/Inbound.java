package io.parley.internal.call;

import io.parley.internal.io.Encoded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.MessageTooLargeException;
import io.parley.ParleyException;
import io.parley.RemoteException;
import io.parley.codec.CodecException;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.Message;
import io.parley.internal.io.FrameWriter;
import io.parley.internal.io.NotificationOrder;
import io.parley.internal.io.ReadRole;
import io.parley.internal.io.Reader;
import io.parley.internal.frame.ProtocolViolationException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the peer asks of us (SPEC §6, §6.7): requests are checked, run by their handler and
 * answered exactly once; cancellations and deadlines reach the handler; notifications are
 * delivered in order. Handlers run where the {@link ReadRole} decides: on the thread that read the
 * request when that is safe, else on a worker. One of the two correlation tables (with {@link
 * Outbound}): it knows the session only through {@link SessionGate}, and the public session facade
 * only through {@link HandlerHost} (which hands the facade to handlers).
 */
public final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    private final SessionGate gate;
    private final HandlerHost host;
    private final Settings cfg;
    private final Handlers handlers;
    private final Bodies bodies;
    private final FrameWriter writer;
    private final ReadRole role;
    private final NotificationOrder order;
    private final Reader input;
    private final ScheduledExecutorService timer;
    private final IntMap<InboundCall> calls = new IntMap<>();
    private final Set<Integer> cancelledWhileArriving = ConcurrentHashMap.newKeySet();
    private final AtomicLong handled = new AtomicLong();
    /** Terminal frames being written (their requests no longer count, SPEC §6.5). */
    private final AtomicInteger answering = new AtomicInteger();

    public Inbound(SessionGate gate, HandlerHost host, Settings cfg, Bodies bodies, FrameWriter writer, ReadRole role,
            NotificationOrder order, Reader input, ScheduledExecutorService timer) {
        this.gate = gate;
        this.host = host;
        this.cfg = cfg;
        this.handlers = cfg.handlers();
        this.bodies = bodies;
        this.writer = writer;
        this.role = role;
        this.order = order;
        this.input = input;
        this.timer = timer;
    }

    /** Requests being processed now. */
    public int inFlight() {
        return calls.size();
    }

    /** Nothing processing and no answer being written: the drain may complete. */
    public boolean isEmpty() {
        return calls.isEmpty() && answering.get() == 0;
    }

    /** Requests answered so far. */
    public long handled() {
        return handled.get();
    }

    // ------------------------------------------------------------------ requests

    /** A method name and its bytes: the last one seen is reused instead of decoding a new String per message. */
    private record MethodName(byte[] bytes, String name) {
    }

    private volatile MethodName lastMethod;

    private String methodName(Message m) {
        byte[] meta = m.meta();
        int from = m.kind() == FrameKind.REQUEST ? FrameDescriptor.REQUEST_TIMEOUT_LENGTH : 0;
        MethodName last = lastMethod;
        if (last != null && Arrays.equals(last.bytes, 0, last.bytes.length, meta, from, meta.length)) {
            return last.name;
        }
        String name = m.method();
        lastMethod = new MethodName(Arrays.copyOfRange(meta, from, meta.length), name);
        return name;
    }

    public void onRequest(Message m) {
        int id = m.id();
        if (calls.containsKey(id)) {
            throw new ProtocolViolationException("duplicate request id " + Integer.toUnsignedString(id) + " while it is still being processed");
        }
        String method = methodName(m);
        if (!gate.acceptsRequests()) {
            sendError(id, ErrorCode.SHUTTING_DOWN.code(), "this peer is shutting down; " + method + " was not processed", null);
            return;
        }
        if (!cancelledWhileArriving.isEmpty() && cancelledWhileArriving.remove(id)) {
            sendError(id, ErrorCode.CANCELLED.code(), method + " was cancelled before it fully arrived", null);
            return;
        }
        if (calls.size() >= cfg.maxInFlight()) {
            sendError(id, ErrorCode.OVERLOADED.code(), "too many requests in flight (max_in_flight " + cfg.maxInFlight() + ")", null);
            return;
        }
        Handlers.RequestEntry entry = handlers.request(method);
        if (entry == null) {
            sendError(id, ErrorCode.METHOD_NOT_FOUND.code(), "no such method: " + method, null);
            return;
        }
        long timeoutMs = m.timeoutMs();
        if (m.bodyLength() > 0 && !bodies.accepts(m.codec(), m.compression())) {
            sendError(id, ErrorCode.UNSUPPORTED_ENCODING.code(), "codec " + m.codec() + " / compression " + m.compression()
                    + " was not offered by this peer", null);
            return;
        }
        InboundCall call = host.newCall(this, m, method, timeoutMs > 0 ? System.nanoTime() : 0);
        calls.put(id, call);
        if (timeoutMs > 0) {
            call.deadlineTask = timer.schedule(() -> expire(call), timeoutMs, TimeUnit.MILLISECONDS);
        }
        long notesBefore = order.received();
        try {
            // the handler starts after the notifications received before the request were handled (SPEC §6.7)
            role.runHandler(() -> {
                order.await(notesBefore);
                runHandler(call, entry);
            });
        } catch (RejectedExecutionException e) {
            calls.remove(id, call);
            sendError(id, ErrorCode.SHUTTING_DOWN.code(), "this peer is shutting down", null);
        }
    }

    private void expire(InboundCall call) {
        call.cancel(ErrorCode.DEADLINE_EXCEEDED);
        if (beginAnswer(call)) {
            try {
                sendError(call.id, ErrorCode.DEADLINE_EXCEEDED.code(), "the deadline of " + call.method + " passed", null);
            } finally {
                endAnswer(call);
            }
        }
    }

    /**
     * The one terminal frame of {@code call} is about to be written: from now on the request no
     * longer counts against max_in_flight and its id may be reused (SPEC §6.5: no later than when
     * the terminal frame is handed to the transport). False when it was answered already.
     */
    private boolean beginAnswer(InboundCall call) {
        if (!call.answered.compareAndSet(false, true)) {
            return false;
        }
        answering.incrementAndGet(); // keeps the drain open until the frame is written
        calls.remove(call.id, call);
        return true;
    }

    private void endAnswer(InboundCall call) {
        handled.incrementAndGet();
        var task = call.deadlineTask;
        if (task != null) {
            task.cancel(false);
        }
        answering.decrementAndGet();
        gate.callEnded();
    }

    private void runHandler(InboundCall call, Handlers.RequestEntry entry) {
        try {
            if (call.answered.get()) {
                return; // expired or the session ended before the handler started
            }
            Object params;
            try {
                params = bodies.decode(call.request, entry.paramsType());
            } catch (CodecException e) {
                answerError(call, e.code(), "cannot decode the params of " + call.method + ": " + e.getMessage(), null);
                return;
            }
            Object result = entry.handler().handle(params, call);
            Encoded body;
            try {
                body = bodies.encode(result, null, call.request.codec());
            } catch (RuntimeException e) {
                throw new ParleyException(ErrorCode.INTERNAL_ERROR, "cannot encode the result of " + call.method + ": " + e.getMessage(), e);
            }
            checkSize("the result of " + call.method, body); // SPEC 1.1 §6.2: answered MESSAGE_TOO_LARGE instead
            if (beginAnswer(call)) {
                try {
                    if (!gate.isClosed()) {
                        writer.response(call.id, body, gate.peerMaxFrame());
                    }
                } finally {
                    endAnswer(call);
                }
            }
        } catch (ParleyException e) {
            ErrorCode reason = call.cancelReason();
            int code = reason != null && (e.code() == ErrorCode.CANCELLED.code() || e.code() == ErrorCode.DEADLINE_EXCEEDED.code())
                    ? reason.code() : e.code();
            String message = e instanceof RemoteException r ? r.errorMessage() : e.getMessage();
            answerError(call, code, message, e instanceof RemoteException r ? r.dataJson() : null);
        } catch (IOException e) {
            LOG.debug("{}: could not answer {}: {}", gate.description(), call.method, e.toString());
        } catch (Throwable t) {
            ErrorCode reason = call.cancelReason();
            if (reason != null) {
                answerError(call, reason.code(), call.method + " was cancelled", null);
            } else {
                LOG.warn("{}: handler of {} failed", gate.description(), call.method, t);
                ObjectNode data = bodies.json().mapper().createObjectNode();
                data.put("exception", t.getClass().getName());
                answerError(call, ErrorCode.INTERNAL_ERROR.code(), call.method + " failed: " + t, data.toString());
            }
        }
    }

    private void answerError(InboundCall call, int code, String message, String dataJson) {
        if (beginAnswer(call)) {
            try {
                if (!gate.isClosed()) {
                    sendError(call.id, code, message, dataJson);
                }
            } finally {
                endAnswer(call);
            }
        }
    }

    /** A handler is about to block (ctx.sleep): the reading thread hands reading over first. */
    void aboutToBlock() {
        role.yieldRole();
    }

    void sendProgress(InboundCall call, Object value) {
        if (gate.isClosed()) {
            return;
        }
        Encoded body = bodies.encode(value, null, call.request.codec());
        checkSize("a progress value of " + call.method, body);
        try {
            writer.progress(call.id, body, gate.peerMaxFrame());
        } catch (IOException e) {
            throw gate.closedOr(e);
        }
    }

    /**
     * A result or progress value over the caller's max_message is not sent (SPEC 1.1 §3.2): the
     * sender fails it with MESSAGE_TOO_LARGE; for a result the caller gets ERROR MESSAGE_TOO_LARGE
     * with the request's id and the session goes on (§6.2).
     */
    private void checkSize(String what, Encoded body) {
        long max = gate.peerMaxMessage();
        if (max > 0 && body.plainLength() > max) {
            throw new MessageTooLargeException(what + " is " + body.plainLength()
                    + " bytes (before compression), over the caller's max_message of " + max
                    + "; it was not sent. Return less per call (stream it with progress), or raise the caller's limit");
        }
    }

    /** Sends ERROR for request {@code id} (the writer queues it when called while decoding input). */
    public void sendError(int id, int code, String message, String dataJson) {
        byte[] body = bodies.errorBody(code, message, dataJson, gate.peerMaxFrame());
        try {
            writer.error(id, body);
        } catch (IOException e) {
            LOG.debug("{}: could not send ERROR {}: {}", gate.description(), code, e.toString());
        }
    }

    public void onCancel(int id) {
        InboundCall call = calls.get(id);
        if (call != null) {
            call.cancel(ErrorCode.CANCELLED);
        } else if (input.reassembling()) {
            // a chunked REQUEST may still be arriving: the cancel applies once it is complete (SPEC §6.6)
            cancelledWhileArriving.add(id);
        }
    }

    /** The session ended: running handlers are cancelled and their results discarded (SPEC §8.6). */
    public void cancelAll() {
        for (InboundCall call : calls.values()) {
            call.cancel(ErrorCode.CANCELLED);
            call.answered.set(true);
        }
    }

    // ------------------------------------------------------------------ notifications

    public void onNotification(Message m) {
        String method = methodName(m);
        Handlers.NotificationEntry entry = handlers.notification(method);
        if (entry == null) {
            if (method.equals("$/log")) {
                role.deliverNotification(() -> logFromPeer(m));
            } else if (!method.startsWith("$/")) {
                LOG.debug("{}: dropped notification {}: no handler", gate.description(), method);
            }
            return;
        }
        role.deliverNotification(() -> {
            try {
                host.deliver(entry.handler(), bodies.decode(m, entry.paramsType()));
            } catch (Exception e) {
                LOG.warn("{}: notification handler of {} failed", gate.description(), method, e);
            }
        });
    }

    private void logFromPeer(Message m) {
        try {
            JsonNode o = (JsonNode) bodies.decode(m, JsonNode.class);
            String level = o.path("level").asText("info");
            String peerName = gate.peerName();
            String text = "[peer " + peerName + (o.has("source") ? " " + o.get("source").asText() : "") + "] "
                    + o.path("message").asText();
            switch (level) {
                case "debug" -> LOG.debug(text);
                case "warning" -> LOG.warn(text);
                case "error" -> LOG.error(text);
                default -> LOG.info(text);
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: malformed $/log notification", gate.description());
        }
    }
}
