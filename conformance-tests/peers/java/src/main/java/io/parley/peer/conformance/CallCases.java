package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.ParleyException;
import io.parley.Payload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** P-008 … P-016: many calls, progress, notifications both ways, callbacks in both id spaces. */
final class CallCases {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CallCases() {
    }

    static List<PairCase> all() {
        return List.of(
                PairCase.of("P-008", "1 000 calls in flight", "6.2, 6.5", CallCases::thousandInFlight).bound(60),
                PairCase.of("P-009", "progress stream", "6.3", CallCases::progressStream),
                PairCase.of("P-010", "no progress unless asked", "6.3", CallCases::noProgressUnlessAsked),
                PairCase.of("P-011", "notifications server → driver", "6.7", CallCases::notificationsFromServer),
                PairCase.of("P-012", "notifications driver → server", "6.7", CallCases::notificationsToServer),
                PairCase.of("P-013", "callback: handler calls back and awaits", "6.1, 6.2", c -> c.expectValue(
                        "callback echo", JsonValues.parse("{\"from\":\"driver\",\"k\":[1,2]}"),
                        c.call("callback", "{\"method\":\"echo\",\"params\":{\"from\":\"driver\",\"k\":[1,2]}}"))),
                PairCase.of("P-014", "callback error passes through", "6.2, 7.1", CallCases::callbackError),
                PairCase.of("P-015", "nested callbacks", "6.1", c -> c.expectValue("callback → callback → echo", JsonValues.parse("\"deep\""),
                        c.call("callback", "{\"method\":\"callback\",\"params\":{\"method\":\"echo\",\"params\":\"deep\"}}"))),
                PairCase.of("P-016", "ids from both sides, concurrently", "6.1", CallCases::idsFromBothSides));
    }

    private static JsonNode obj(String key, int value) {
        return NODES.objectNode().put(key, value);
    }

    private static void thousandInFlight(CaseContext c) throws Exception {
        c.step("sending 1000 echo calls");
        List<CallFuture<Payload>> calls = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            try {
                calls.add(c.callAsync("echo", obj("i", i), CallOptions.none()));
            } catch (ParleyException e) {
                throw c.fail("echo call %d could not be sent: %s (the server announced max_in_flight %d)", i, CaseContext.describe(e),
                        c.server().maxInFlight());
            }
        }
        for (int i = 1; i <= 1000; i++) {
            JsonNode back;
            try {
                back = c.value(c.await(calls.get(i - 1), "echo #" + i), "echo #" + i);
            } catch (ParleyException e) {
                throw c.fail("echo #%d of 1000 failed: %s", i, CaseContext.describe(e));
            }
            c.expectValue("echo #" + i, obj("i", i), back);
        }
    }

    private static void progressStream(CaseContext c) {
        List<JsonNode> seen = new ArrayList<>();
        CallOptions withProgress = CallOptions.none().withProgress(p -> {
            synchronized (seen) {
                seen.add(c.value(p, "progress value"));
            }
        });
        JsonNode result = c.call("progress", JsonValues.parse("{\"n\":10}"), withProgress);
        List<JsonNode> atReturn;
        synchronized (seen) {
            atReturn = List.copyOf(seen);
        }
        ArrayNode expected = NODES.arrayNode();
        for (int i = 1; i <= 10; i++) {
            expected.add(NODES.objectNode().put("progress", i).put("total", 10));
        }
        c.expectValue("progress values delivered before the call returned", expected, NODES.arrayNode().addAll(atReturn));
        c.expectValue("progress {\"n\":10} result", JsonValues.parse("10"), result);
    }

    private static void noProgressUnlessAsked(CaseContext c) throws Exception {
        c.step("calling progress {\"n\":5} without WANT_PROGRESS");
        CallFuture<Payload> f = c.callAsync("progress", JsonValues.parse("{\"n\":5}"), CallOptions.none());
        long id = f.requestId();
        c.expectValue("progress {\"n\":5} result", JsonValues.parse("5"), c.value(c.await(f, "progress"), "progress"));
        List<WireFrame> progress = c.cs.tap.matching(w -> !w.outgoing() && w.isKind(WireFrame.PROGRESS) && w.id() == id);
        c.check(progress.isEmpty(), "the server sent %d PROGRESS frame(s) for request %d without WANT_PROGRESS (SPEC §6.3): %s",
                progress.size(), id, progress);
    }

    private static void notificationsFromServer(CaseContext c) {
        JsonNode n = c.call("notify-back", "{\"n\":100,\"method\":\"conf/note\"}");
        List<JsonNode> atReturn = c.cs.notes("conf/note");
        c.expectValue("notify-back result", JsonValues.parse("100"), n);
        ArrayNode expected = sequence(100);
        if (!JsonValues.same(expected, NODES.arrayNode().addAll(atReturn))) {
            // tell an ordering problem (late delivery) from a wrong sequence
            long t0 = System.nanoTime();
            CaseContext.sleep(Duration.ofSeconds(2));
            List<JsonNode> later = c.cs.notes("conf/note");
            throw c.fail("when notify-back returned, %d conf/note notifications had been delivered (expected exactly 100, "
                    + "{\"i\":1}…{\"i\":100} in order): %s; %d ms later: %d delivered%s", atReturn.size(),
                    JsonValues.show(NODES.arrayNode().addAll(atReturn), 120), (System.nanoTime() - t0) / 1_000_000, later.size(),
                    JsonValues.same(expected, NODES.arrayNode().addAll(later)) ? ", all in order (the SDK delivered them after the response)" : "");
        }
    }

    private static void notificationsToServer(CaseContext c) {
        c.step("sending 100 conf/to-server notifications");
        for (int i = 1; i <= 100; i++) {
            c.session().notify("conf/to-server", c.json(obj("i", i)));
        }
        JsonNode notes = c.call("notes", "{\"method\":\"conf/to-server\"}");
        c.expectValue("notes {\"method\":\"conf/to-server\"}", sequence(100), notes);
    }

    private static ArrayNode sequence(int n) {
        ArrayNode a = NODES.arrayNode();
        for (int i = 1; i <= n; i++) {
            a.add(obj("i", i));
        }
        return a;
    }

    private static void callbackError(CaseContext c) {
        ParleyException e = c.expectError("callback → fail {4001, nested failure}",
                () -> c.call("callback", "{\"method\":\"fail\",\"params\":{\"code\":4001,\"message\":\"nested failure\"}}"));
        c.expectCode("callback → fail", e, 4001, "nested failure");
    }

    private static void idsFromBothSides(CaseContext c) throws Exception {
        c.step("sending 100 callback calls");
        List<CallFuture<Payload>> calls = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            calls.add(c.callAsync("callback", NODES.objectNode().put("method", "echo").put("params", i), CallOptions.none()));
        }
        for (int i = 1; i <= 100; i++) {
            JsonNode back;
            try {
                back = c.value(c.await(calls.get(i - 1), "callback #" + i), "callback #" + i);
            } catch (ParleyException e) {
                throw c.fail("callback #%d of 100 failed: %s", i, CaseContext.describe(e));
            }
            c.expectValue("callback #" + i, NODES.numberNode(i), back);
        }
    }
}
