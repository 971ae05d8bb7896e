package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.Payload;
import io.parley.PeerInfo;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.codec.CodecException;
import io.parley.codec.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What a scenario works with: its session, JSON-in/JSON-out calls through the SDK's public API,
 * and checks that fail the case with a detail saying what was expected and what happened.
 *
 * <p>Params go out as JSON payloads whatever codec the session would pick by default (a Java pair
 * also offers Kryo, which the SDK prefers for objects): the pair cases are written in JSON.
 */
final class CaseContext {
    /** The case failed; the message is the report's detail. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String detail) {
            super(detail);
        }
    }

    /** The case is skipped; the message is the reason (README: skips only where the table allows). */
    static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(String reason) {
            super(reason);
        }
    }

    private static final Duration POLL = Duration.ofMillis(50);

    final CaseSession cs;
    private final JsonCodec json = new JsonCodec();
    private final List<String> notes = new ArrayList<>();
    private volatile String step = "opening the session";

    CaseContext(CaseSession cs) {
        this.cs = cs;
    }

    Session session() {
        return cs.session;
    }

    /** The server's HELLO. */
    PeerInfo server() {
        return cs.session.peer();
    }

    /** What the case is doing now: quoted when it times out. */
    void step(String what) {
        step = what;
    }

    String step() {
        return step;
    }

    /** Information for the report's detail even when the case passes. */
    void note(String info) {
        synchronized (notes) {
            notes.add(info);
        }
    }

    List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    // ------------------------------------------------------------------ outcomes

    Failure fail(String format, Object... args) {
        return new Failure(args.length == 0 ? format : String.format(format, args));
    }

    Skip skip(String reason) {
        return new Skip(reason);
    }

    void check(boolean ok, String format, Object... args) {
        if (!ok) {
            throw fail(format, args);
        }
    }

    void expectValue(String what, JsonNode expected, JsonNode actual) {
        check(JsonValues.same(expected, actual), "%s: expected %s, got %s", what, JsonValues.show(expected), JsonValues.show(actual));
    }

    // ------------------------------------------------------------------ payloads

    Payload json(String jsonText) {
        return json(JsonValues.parse(jsonText));
    }

    Payload json(JsonNode value) {
        if (value == null) {
            return null;
        }
        try {
            return new Payload(json, json.encode(value));
        } catch (CodecException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A result that must be JSON, parsed; {@code null} for "no value". */
    JsonNode value(Payload p, String what) {
        if (p == null) {
            return null;
        }
        check(p.codec().id() == json.id(), "%s: expected a JSON result, got codec %s (%d bytes)", what, p.codec().name(), p.bytes().length);
        try {
            return JsonValues.MAPPER.readTree(p.bytes());
        } catch (java.io.IOException e) {
            throw fail("%s: the result is not valid JSON: %s", what, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ calls

    /** Calls {@code method} with JSON params (text) and waits for its JSON result. */
    JsonNode call(String method, String paramsJson) {
        return call(method, paramsJson == null ? null : JsonValues.parse(paramsJson), CallOptions.none());
    }

    JsonNode call(String method, JsonNode params, CallOptions options) {
        step("calling " + method + " " + JsonValues.show(params, 80));
        Payload p = session().call(method, json(params), Payload.class, options);
        return value(p, method);
    }

    CallFuture<Payload> callAsync(String method, JsonNode params, CallOptions options) {
        return session().callAsync(method, json(params), Payload.class, options);
    }

    /** Awaits a call's future; failures come out as the SDK's exception (not wrapped). */
    <T> T await(Future<T> f, String what) throws Exception {
        step("awaiting " + what);
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** Runs a call that must fail; returns the SDK's exception, or fails the case if it returned. */
    ParleyException expectError(String what, Callable<?> call) {
        step(what);
        Object value;
        try {
            value = call.call();
        } catch (ParleyException e) {
            return e;
        } catch (Exception e) {
            Exception u = unwrap(e);
            if (u instanceof ParleyException p) {
                return p;
            }
            throw fail("%s: expected a Parley error, got %s", what, describe(u));
        }
        throw fail("%s: expected an error, but it returned %s", what,
                value instanceof Payload p ? showPayload(p) : String.valueOf(value));
    }

    /** Checks that {@code e} carries {@code code} (and {@code message} when not null). */
    void expectCode(String what, Throwable e, int code, String message) {
        if (!(e instanceof ParleyException p) || p.code() != code) {
            throw fail("%s: expected %s %d, got %s", what, ErrorCode.nameOf(code), code, describe(e));
        }
        if (message != null) {
            String actual = e instanceof RemoteException r ? r.errorMessage() : e.getMessage();
            check(message.equals(actual), "%s: expected code %d with message \"%s\", got message \"%s\"", what, code, message, actual);
        }
    }

    // ------------------------------------------------------------------ server state

    /** The server's {@code stats} (README / PEER-CONTRACT: in_flight, handled, cancelled, deadline_exceeded). */
    JsonNode stats() {
        return call("stats", "{}");
    }

    /** Polls {@code stats} every 50 ms until {@code ok} holds; fails after {@code within}. */
    JsonNode awaitStats(Predicate<JsonNode> ok, String expectation, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        JsonNode last;
        while (true) {
            last = stats();
            if (ok.test(last)) {
                return last;
            }
            if (System.nanoTime() > until) {
                throw fail("expected stats with %s within %d s; last stats %s", expectation, within.toSeconds(), last);
            }
            sleep(POLL);
        }
    }

    /** Waits (polling) for {@code condition}; fails with {@code what} after {@code within}. */
    void awaitCondition(BooleanSupplier condition, Duration within, String what) {
        step("waiting for " + what);
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw fail("%s did not happen within %d ms", what, within.toMillis());
            }
            sleep(Duration.ofMillis(10));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    // ------------------------------------------------------------------ describing

    static Exception unwrap(Exception e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof Exception x ? x : new RuntimeException(t);
    }

    /** An SDK outcome in words: "ERROR -33001 CANCELLED \"...\"", "cancelled locally", ... */
    static String describe(Throwable e) {
        if (e instanceof CancellationException) {
            return "cancelled locally (CancellationException)";
        }
        if (e instanceof RemoteException r) {
            return "ERROR " + r.code() + " " + ErrorCode.nameOf(r.code()) + " \"" + r.errorMessage() + "\"";
        }
        if (e instanceof ParleyException p) {
            return p.getClass().getSimpleName() + " " + p.code() + " " + ErrorCode.nameOf(p.code()) + ": " + firstLines(p.getMessage());
        }
        return e.toString();
    }

    static String showPayload(Payload p) {
        if (p == null) {
            return "no value";
        }
        if (p.codec().id() == 1) {
            String s = new String(p.bytes(), java.nio.charset.StandardCharsets.UTF_8);
            return s.length() > 200 ? s.substring(0, 200) + "…" : s;
        }
        return p.bytes().length + " bytes in codec " + p.codec().name();
    }

    private static String firstLines(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 600 ? s.substring(0, 600) + "…" : s;
    }

    /** The frames seen on the wire since {@code mark}, for a detail. */
    String framesSince(int mark) {
        List<WireFrame> frames = cs.tap.since(mark);
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (WireFrame f : frames) {
            if (shown++ == 12) {
                b.append("; … ").append(frames.size() - 12).append(" more");
                break;
            }
            b.append(b.isEmpty() ? "" : "; ").append(f);
        }
        return b.isEmpty() ? "(no frames)" : b.toString();
    }
}
