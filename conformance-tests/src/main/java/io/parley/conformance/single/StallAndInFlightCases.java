package io.parley.conformance.single;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conformance.CaseFailed;
import io.parley.conformance.wire.Frame;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Msg;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.parley.conformance.single.Script.request;
import static io.parley.conformance.single.SingleCase.raw;
import static io.parley.conformance.single.SingleCase.session;
import static io.parley.conformance.wire.Wire.*;

/**
 * The SPEC 1.1 timing and counting rules that need peer options (PEER-CONTRACT.md:
 * {@code --frame-stall-ms}, {@code --max-in-flight}): the stalled-frame bound (§3.5) and which
 * requests count in flight (§6.5), both as receiver and as sender. Numbered from S-141.
 */
final class StallAndInFlightCases {
    /** The testee's frame stall timeout in the stall cases: short, so that the case is quick. */
    static final int STALL_MS = 800;

    private StallAndInFlightCases() {}

    static List<SingleCase> all() {
        return List.of(
            session("S-141", "a frame whose payload stops part-way: PROTOCOL_ERROR at the frame stall timeout, heartbeats off", "3.5", s -> {
                byte[] frame = encode(request(1, "echo", "s".repeat(400)));
                long start = System.nanoTime();
                s.sendBytes(Arrays.copyOf(frame, 24 + 100)); // the header and part of the payload, then nothing
                s.expectFatal(PROTOCOL_ERROR);
                long ms = (System.nanoTime() - start) / 1_000_000;
                // a verified header whose payload is late is not an error before the stall timeout
                if (ms < STALL_MS / 2) throw s.fail("closed " + ms + " ms after the partial frame, before the "
                        + STALL_MS + " ms frame stall timeout (--frame-stall-ms)");
            }).args("--frame-stall-ms", String.valueOf(STALL_MS), "--heartbeat-ms", "0"),
            session("S-142", "a frame whose payload pauses shorter than the stall timeout is not a stall", "3.5", s -> {
                byte[] frame = encode(request(1, "echo", "p".repeat(400)));
                s.sendBytes(Arrays.copyOf(frame, 24 + 100));
                Thread.sleep(STALL_MS / 4);
                s.sendBytes(Arrays.copyOfRange(frame, 24 + 100, frame.length));
                JsonNode r = s.expectResult(1);
                if (r == null || !"p".repeat(400).equals(r.asText())) throw s.fail("echo after the pause returned " + r);
                s.expectAlive();
            }).args("--frame-stall-ms", String.valueOf(4 * STALL_MS), "--heartbeat-ms", "0"),
            session("S-143", "in-flight counting: answers given at once never count, an answered request frees its slot", "6.5", s -> {
                if (s.peerHello().get("max_in_flight").asLong() != 1) throw s.fail("started with --max-in-flight 1, HELLO says " + s.peerHello().get("max_in_flight"));
                // answered at once without a handler: METHOD_NOT_FOUND, PARSE_ERROR; neither takes the one slot
                s.send(request(1, "no-such-method", Json.obj()));
                s.expectError(1, METHOD_NOT_FOUND);
                s.send(Frame.of(REQUEST, 0, 2, CODEC_JSON, 0, requestMeta(0, "sleep"), "{not json".getBytes(StandardCharsets.UTF_8)));
                s.expectError(2, PARSE_ERROR);
                // so the slot is free: this one runs, and the next is OVERLOADED while it does
                s.send(request(3, "sleep", Json.obj().put("ms", 1500)));
                s.send(request(4, "echo", "over"));
                s.expectError(4, OVERLOADED);
                expectSlept(s, 3);
                // the terminal frame of 3 has arrived: a new request may be sent at once (§6.5)
                JsonNode r = s.call("echo", "freed");
                if (r == null || !"freed".equals(r.asText())) throw s.fail("echo right after the RESPONSE returned " + r);
            }).args("--max-in-flight", "1"),
            raw("S-144", "the testee as caller keeps to the max_in_flight we announced", "6.5", s -> {
                ObjectNode h = SingleCases.hello();
                h.put("max_in_flight", 1);
                s.hello(h);
                // two callbacks at once: each makes the testee call us; we allow one outstanding request
                s.send(request(1, "callback", Json.obj().put("method", "conf/slow").set("params", Json.obj())),
                        request(2, "callback", Json.obj().put("method", "conf/slow").set("params", Json.obj())));
                Msg first = s.expect("the testee's first REQUEST conf/slow", m -> m.kind() == REQUEST);
                boolean overloaded = false;
                try {
                    // while we have not answered, a second REQUEST would be over our max_in_flight
                    Msg m = s.next("nothing but an ERROR OVERLOADED for a callback while conf/slow is outstanding", Duration.ofMillis(700));
                    if (m.kind() == REQUEST) {
                        throw s.fail("a second REQUEST (" + m + ") while " + first.id() + " was outstanding: over our max_in_flight 1 (§6.5)");
                    }
                    if (m.kind() == ERROR && (m.id() == 1 || m.id() == 2) && Integer.valueOf(OVERLOADED).equals(m.errorCode())) {
                        overloaded = true; // the SDK failed the second call locally (§6.5: queue or fail locally)
                    } else {
                        throw s.fail("expected nothing or a local OVERLOADED for a callback, got " + m);
                    }
                } catch (CaseFailed e) {
                    if (!e.getMessage().contains("nothing arrived within")) throw e; // nothing: the second call waits
                }
                s.send(jsonFrame(RESPONSE, first.id(), "one"));
                // now the queued call may come (in any order with the answer of the first callback)
                int callbacksLeft = overloaded ? 1 : 2;
                while (callbacksLeft > 0) {
                    Msg m = s.next("the testee's queued REQUEST conf/slow or the RESPONSE of callback 1 or 2");
                    if (m.kind() == REQUEST && "conf/slow".equals(m.method())) {
                        s.send(jsonFrame(RESPONSE, m.id(), "two")); // answered at once: never two outstanding
                    } else if (m.kind() == RESPONSE && (m.id() == 1 || m.id() == 2)) {
                        callbacksLeft--;
                    } else {
                        throw s.fail("expected the queued REQUEST conf/slow or a callback's RESPONSE, got " + m);
                    }
                }
                s.expectAlive();
            }));
    }

    private static void expectSlept(Script s, long id) {
        JsonNode r = s.expectResult(id);
        if (r == null || !"slept".equals(r.asText())) throw s.fail("sleep " + id + " returned " + r);
    }

    private static Frame jsonFrame(int kind, long id, Object value) {
        return Script.jsonFrame(kind, id, value);
    }
}
