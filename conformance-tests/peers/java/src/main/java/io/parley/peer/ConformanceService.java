package io.parley.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.parley.RequestContext;
import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.ParleyException;
import io.parley.Payload;
import io.parley.RequestHandler;
import io.parley.Session;
import io.parley.codec.CodecException;
import io.parley.codec.JsonCodec;
import io.parley.peer.conformance.StrayTap;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The conformance service of conformance-tests/PEER-CONTRACT.md: every method a serving peer
 * answers, exactly as specified. The driving peer serves it too (the server's {@code callback}
 * calls back into it). Also handy as a test fixture.
 *
 * <p>Params and results are JSON whatever codec the session would pick by default (a Java pair
 * also offers Kryo), except {@code echo} (same value, same codec) and {@code big-echo} (raw).
 * Counters and notes are kept per session ({@link SessionRecord}).
 */
public final class ConformanceService {
    /**
     * Notification methods whose params are recorded for {@code notes}. Handlers are registered
     * per method, so only these are recorded; any other notification is dropped unanswered.
     */
    public static final List<String> RECORDED_NOTIFICATIONS = List.of("conf/to-server", "conf/note");

    private final JsonCodec json = new JsonCodec();
    private final Map<Session, SessionRecord> records = Collections.synchronizedMap(new WeakHashMap<>());
    private final Runnable onShutdown;
    private final Map<Session, StrayTap> taps = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param onShutdown runs after {@code shutdown} has answered (a listening server stops listening) */
    public ConformanceService(Runnable onShutdown) {
        this.onShutdown = onShutdown;
    }

    /** Handlers for every method; {@code onShutdown} runs after {@code shutdown} has answered. */
    public static Handlers handlers(Runnable onShutdown) {
        return new ConformanceService(onShutdown).handlers();
    }

    /** Lets {@code print-stray} on {@code session} write through {@code tap} (the session's transport). */
    public void strayOutput(Session session, StrayTap tap) {
        taps.put(session, tap);
    }

    /** The tap of {@code session}; waits (bounded) for it, as a request may race with the registration after open(). */
    private StrayTap tapOf(Session session) {
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        StrayTap tap;
        while ((tap = taps.get(session)) == null && System.nanoTime() < until) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return tap;
    }

    /** What this service recorded on {@code session} so far. */
    public SessionRecord record(Session session) {
        return records.computeIfAbsent(session, s -> new SessionRecord());
    }

    /** A fresh set of handlers backed by this service's per-session records. */
    public Handlers handlers() {
        Handlers h = new Handlers();
        h.onRequest("echo", Payload.class, counted((p, ctx) -> p));
        h.onRequest("sum", JsonNode.class, counted((p, ctx) -> json(sum(p))));
        h.onRequest("sleep", JsonNode.class, counted(this::sleep));
        h.onRequest("progress", JsonNode.class, counted(this::progress));
        h.onRequest("notify-back", JsonNode.class, counted(this::notifyBack));
        h.onRequest("fail", JsonNode.class, counted((p, ctx) -> {
            throw new ParleyException(intParam(p, "code"), textParam(p, "message"));
        }));
        h.onRequest("callback", JsonNode.class, counted(this::callback));
        h.onRequest("big-echo", Payload.class, counted((p, ctx) -> Payload.raw(p == null ? new byte[0] : p.bytes())));
        h.onRequest("wait-for-cancel", JsonNode.class, counted((p, ctx) -> {
            ctx.sleep(Duration.ofSeconds(30));
            return json("not-cancelled");
        }));
        h.onRequest("print-stray", JsonNode.class, counted((p, ctx) -> {
            StrayTap tap = tapOf(ctx.session());
            if (tap == null) {
                throw new ParleyException(ErrorCode.INTERNAL_ERROR, "print-stray needs the session's transport wrapped in a StrayTap");
            }
            try {
                tap.inject(textParam(p, "text").getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new ParleyException(ErrorCode.INTERNAL_ERROR, "print-stray: " + e.getMessage(), e);
            }
            return json("ok");
        }));
        h.onRequest("print-echo", JsonNode.class, counted((p, ctx) -> {
            // The language's ordinary output: in stdio mode the SDK has pointed System.out at stderr.
            System.out.print(textParam(p, "text"));
            System.out.flush();
            return json("ok");
        }));
        h.onRequest("crash", JsonNode.class, counted((p, ctx) -> {
            System.err.println("crashing on purpose");
            System.err.flush();
            Runtime.getRuntime().halt(intParam(p, "exit"));
            return null;
        }));
        h.onRequest("shutdown", JsonNode.class, counted(this::shutdown));
        h.onRequest("stats", JsonNode.class, counted(this::stats));
        h.onRequest("notes", JsonNode.class, counted((p, ctx) -> json(record(ctx.session()).notes(textParam(p, "method")))));
        for (String method : RECORDED_NOTIFICATIONS) {
            h.onNotification(method, Payload.class, (p, session) -> record(session).noteReceived(method, toJson(p)));
        }
        return h;
    }

    // ------------------------------------------------------------------ methods

    private Object sleep(JsonNode p, RequestContext ctx) {
        ctx.sleep(Duration.ofMillis(intParam(p, "ms")));
        return json("slept");
    }

    private Object progress(JsonNode p, RequestContext ctx) {
        int n = intParam(p, "n");
        if (ctx.wantsProgress()) {
            for (int i = 1; i <= n; i++) {
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("progress", i);
                value.put("total", n);
                ctx.progress(json(value));
            }
        }
        return json(n);
    }

    private Object notifyBack(JsonNode p, RequestContext ctx) {
        int n = intParam(p, "n");
        String method = textParam(p, "method");
        for (int i = 1; i <= n; i++) {
            ctx.session().notify(method, json(Map.of("i", i)));
        }
        return json(n);
    }

    private Object callback(JsonNode p, RequestContext ctx) {
        JsonNode params = p == null ? null : p.get("params");
        Duration left = ctx.remaining();
        // an error of the nested call propagates as a ParleyException with the peer's code and message
        return ctx.session().call(textParam(p, "method"), params == null ? null : json(params), Payload.class,
                left == null ? CallOptions.none() : CallOptions.timeout(left));
    }

    private Object shutdown(JsonNode p, RequestContext ctx) {
        Session s = ctx.session();
        long answeredBefore = s.handled();
        io.parley.peer.conformance.PeerThreads.start("parley-conformance-shutdown", () -> {
            // "returns bye, then starts GOODBYE": wait (bounded) until this answer has gone out
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            try {
                while (s.handled() <= answeredBefore && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            onShutdown.run();
            s.close();
        });
        return json("bye");
    }

    private Object stats(JsonNode p, RequestContext ctx) {
        Session s = ctx.session();
        SessionRecord r = record(s);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("in_flight", Math.max(0, s.inFlight() - 1)); // not counting this stats request
        stats.put("handled", s.handled());
        stats.put("cancelled", r.cancelled());
        stats.put("deadline_exceeded", r.deadlineExceeded());
        return json(stats);
    }

    private static BigInteger sum(JsonNode p) {
        if (p == null || p.isNull()) {
            return BigInteger.ZERO;
        }
        if (!p.isArray()) {
            throw new ParleyException(ErrorCode.INVALID_PARAMS, "sum takes an array of integers");
        }
        BigInteger total = BigInteger.ZERO;
        for (JsonNode x : p) {
            if (!x.isIntegralNumber()) {
                throw new ParleyException(ErrorCode.INVALID_PARAMS, "sum takes integers only, got " + x);
            }
            total = total.add(x.bigIntegerValue());
        }
        return total;
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * Counts the requests this session answers with CANCELLED or DEADLINE_EXCEEDED (for
     * {@code stats}). A request cancelled before it fully arrived is answered by the SDK without
     * running a handler and is not counted.
     */
    private <P> RequestHandler<P, Object> counted(RequestHandler<P, Object> handler) {
        return (params, ctx) -> {
            try {
                return handler.handle(params, ctx);
            } catch (ParleyException e) {
                if (e.code() == ErrorCode.CANCELLED.code()) {
                    record(ctx.session()).countCancelled();
                } else if (e.code() == ErrorCode.DEADLINE_EXCEEDED.code()) {
                    record(ctx.session()).countDeadlineExceeded();
                }
                throw e;
            }
        };
    }

    /** {@code value} as a JSON payload, whatever codec the session would otherwise choose. */
    private Payload json(Object value) {
        try {
            return new Payload(json, json.encode(value));
        } catch (CodecException e) {
            throw new ParleyException(ErrorCode.INTERNAL_ERROR, "cannot encode a result as JSON: " + e.getMessage(), e);
        }
    }

    private JsonNode toJson(Payload p) {
        if (p == null) {
            return NullNode.getInstance();
        }
        if (p.codec().id() == json.id()) {
            return p.as(JsonNode.class);
        }
        return json.mapper().valueToTree(p.as(Object.class));
    }

    private static int intParam(JsonNode p, String name) {
        JsonNode n = p == null ? null : p.get(name);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ParleyException(ErrorCode.INVALID_PARAMS, "params need an integer '" + name + "'");
        }
        return n.asInt();
    }

    private static String textParam(JsonNode p, String name) {
        JsonNode n = p == null ? null : p.get(name);
        if (n == null || !n.isTextual()) {
            throw new ParleyException(ErrorCode.INVALID_PARAMS, "params need a string '" + name + "'");
        }
        return n.asText();
    }
}
