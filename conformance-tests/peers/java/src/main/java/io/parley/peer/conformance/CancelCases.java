package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.Payload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;

/** P-017 … P-022: cancellation, deadlines, typed errors, unknown methods. */
final class CancelCases {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private CancelCases() {
    }

    static List<PairCase> all() {
        return List.of(
                PairCase.of("P-017", "cancel a running handler", "6.6", CancelCases::cancelRunning),
                PairCase.of("P-018", "cancel races", "6.1, 6.6", CancelCases::cancelRaces),
                PairCase.of("P-019", "deadline expires", "6.4", CancelCases::deadlineExpires),
                PairCase.of("P-020", "deadline not reached", "6.4", c -> c.expectValue("sleep 50 ms with a 10 s deadline",
                        JsonValues.parse("\"slept\""), c.call("sleep", JsonValues.parse("{\"ms\":50}"),
                                CallOptions.timeout(Duration.ofSeconds(10))))),
                PairCase.of("P-021", "typed errors", "6.2, 7.1, 7.2", CancelCases::typedErrors),
                PairCase.of("P-022", "unknown methods", "4.3, 6.2", CancelCases::unknownMethods));
    }

    private static long counter(JsonNode stats, String name) {
        return stats.path(name).asLong(-1);
    }

    private static void cancelRunning(CaseContext c) throws Exception {
        long baseline = counter(c.stats(), "cancelled");
        CallFuture<Payload> f = c.callAsync("wait-for-cancel", JsonValues.parse("{}"), CallOptions.none());
        CaseContext.sleep(Duration.ofMillis(200));
        c.step("cancelling wait-for-cancel");
        f.cancel(true);
        try {
            Payload p = c.await(f, "the cancelled wait-for-cancel");
            throw c.fail("wait-for-cancel: expected the call to fail locally as cancelled, it returned %s", CaseContext.showPayload(p));
        } catch (CancellationException expected) {
            // the call failed locally as cancelled
        } catch (ParleyException e) {
            throw c.fail("wait-for-cancel: expected a local cancellation, got %s", CaseContext.describe(e));
        }
        c.awaitStats(s -> counter(s, "in_flight") == 0 && counter(s, "cancelled") == baseline + 1,
                "in_flight = 0 and cancelled = " + (baseline + 1), SETTLE);
    }

    private static void cancelRaces(CaseContext c) throws Exception {
        c.step("200 × echo then cancel at once");
        List<CallFuture<Payload>> calls = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            CallFuture<Payload> f = c.callAsync("echo", NODES.objectNode().put("i", i), CallOptions.none());
            f.cancel(true);
            calls.add(f);
        }
        int values = 0;
        for (int i = 1; i <= 200; i++) {
            try {
                JsonNode v = c.value(c.await(calls.get(i - 1), "echo #" + i), "echo #" + i);
                c.expectValue("echo #" + i + " (completed before its cancel)", NODES.objectNode().put("i", i), v);
                values++;
            } catch (CancellationException expected) {
                // cancelled: fine
            } catch (ParleyException e) {
                throw c.fail("echo #%d: expected its value or a local cancellation, got %s", i, CaseContext.describe(e));
            }
        }
        c.expectValue("echo \"alive\" after the races", JsonValues.parse("\"alive\""), c.call("echo", "\"alive\""));
        c.awaitStats(s -> counter(s, "in_flight") == 0, "in_flight = 0", SETTLE);
        // every request gets exactly one terminal frame (SPEC §6.2): the SDK keeps cancelled ids until then
        c.awaitCondition(() -> c.session().outstanding() == 0, SETTLE, "the terminal frames of all 200 cancelled echo calls");
        Map<Long, Long> terminals = c.cs.tap.matching(w -> !w.outgoing() && (w.isKind(WireFrame.RESPONSE) || w.isKind(WireFrame.ERROR))
                && w.id() != 0).stream().collect(Collectors.groupingBy(WireFrame::id, Collectors.counting()));
        List<Long> sent = c.cs.tap.matching(w -> w.outgoing() && w.isKind(WireFrame.REQUEST)).stream().map(WireFrame::id).toList();
        List<Long> wrong = sent.stream().filter(id -> terminals.getOrDefault(id, 0L) != 1).toList();
        c.check(wrong.isEmpty(), "requests without exactly one terminal frame (SPEC §6.2): ids %s (terminal frames per id: %s)",
                wrong, wrong.stream().map(id -> id + "→" + terminals.getOrDefault(id, 0L)).toList());
        c.note(values + " of 200 completed with their value before the cancel");
    }

    private static void deadlineExpires(CaseContext c) throws Exception {
        JsonNode before = c.stats();
        long baseline = counter(before, "cancelled") + counter(before, "deadline_exceeded");
        c.step("calling sleep 5000 ms with a 300 ms deadline");
        long t0 = System.nanoTime();
        ParleyException e = c.expectError("sleep 5000 ms with a 300 ms deadline", () -> c.session()
                .call("sleep", c.json("{\"ms\":5000}"), Payload.class, CallOptions.timeout(Duration.ofMillis(300))));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        c.expectCode("sleep with a 300 ms deadline", e, ErrorCode.DEADLINE_EXCEEDED.code(), null);
        c.check(ms <= 3000, "DEADLINE_EXCEEDED came after %d ms (bound: 3 s)", ms);
        c.awaitStats(s -> counter(s, "in_flight") == 0 && counter(s, "cancelled") + counter(s, "deadline_exceeded") == baseline + 1,
                "in_flight = 0 and cancelled + deadline_exceeded = " + (baseline + 1), SETTLE);
        c.note("failed after " + ms + " ms");
    }

    private static void typedErrors(CaseContext c) {
        record Case(int code, String message) {
        }
        for (Case k : List.of(new Case(4001, "custom"), new Case(1, "one"), new Case(-32602, "bad params"),
                new Case(-32000, "server range"), new Case(-33050, "reserved future"))) {
            String params = NODES.objectNode().put("code", k.code).put("message", k.message).toString();
            ParleyException e = c.expectError("fail " + params, () -> c.call("fail", params));
            c.expectCode("fail " + params, e, k.code, k.message);
        }
    }

    private static void unknownMethods(CaseContext c) {
        for (String method : List.of("no-such-method", "$/conformance-unknown")) {
            ParleyException e = c.expectError("call " + method, () -> c.call(method, "{}"));
            c.expectCode("call " + method, e, ErrorCode.METHOD_NOT_FOUND.code(), null);
        }
        int mark = c.cs.tap.mark();
        c.step("sending notifications $/conformance-unknown and conf/unhandled");
        c.session().notify("$/conformance-unknown", c.json("{}"));
        c.session().notify("conf/unhandled", c.json("{}"));
        c.expectValue("echo \"still here\"", JsonValues.parse("\"still here\""), c.call("echo", "\"still here\""));
        // between our notifications and the echo's RESPONSE only heartbeat frames may arrive
        List<WireFrame> unexpected = c.cs.tap.since(mark).stream()
                .filter(w -> !w.outgoing() && !w.isKind(WireFrame.RESPONSE) && !w.isKind(WireFrame.PING) && !w.isKind(WireFrame.PONG))
                .toList();
        c.check(unexpected.isEmpty(), "the notifications got an answer (SPEC §6.7: none of any kind): %s", unexpected);
    }
}
