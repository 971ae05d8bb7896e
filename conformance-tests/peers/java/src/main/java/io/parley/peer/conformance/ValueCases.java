package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallOptions;
import io.parley.Payload;
import io.parley.codec.Compression;
import io.parley.codec.DeflateCompression;
import io.parley.codec.ZstdCompression;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** P-001 … P-007: values round-trip exactly, in every codec and compression. */
final class ValueCases {
    private ValueCases() {
    }

    static List<PairCase> all() {
        return List.of(
                PairCase.of("P-001", "echo json", "6.2, 10.1", ValueCases::echoJson),
                PairCase.of("P-002", "echo raw", "10.1", ValueCases::echoRaw),
                PairCase.of("P-003", "echo empty body (null)", "4, 10.1", ValueCases::echoEmpty),
                PairCase.of("P-004", "echo native codec", "10.1", ValueCases::echoNative),
                PairCase.of("P-005", "echo deflate", "10.2", c -> echoCompressed(c, DeflateCompression.INSTANCE))
                        .compressions(List.of(DeflateCompression.INSTANCE)),
                PairCase.of("P-006", "echo zstd", "10.2", ValueCases::echoZstd)
                        .compressions(ZstdCompression.isAvailable() ? List.of(ZstdCompression.INSTANCE) : null),
                PairCase.of("P-007", "sum, exact integers", "6.2, 10.1", ValueCases::sum));
    }

    /** The P-001 value: every JSON type, non-ASCII text, an escaped NUL, 2^53-1 and a float. */
    static final String RICH_JSON = "{\"s\":\"h\u00e9llo \u2713 \\u0000 \\\"q\\\"\",\"i\":42,\"neg\":-7,\"big\":9007199254740991,"
            + "\"f\":1.5,\"t\":true,\"n\":null,\"a\":[1,\"two\",[],{}],\"o\":{\"x\":{\"y\":[false]}}}";

    private static void echoJson(CaseContext c) {
        List<String> values = List.of(RICH_JSON, "\"\"", "0", "-1", "[]", "{}", "\"x\"");
        for (String v : values) {
            JsonNode sent = JsonValues.parse(v);
            c.expectValue("echo " + JsonValues.show(sent, 60), sent, c.call("echo", sent, CallOptions.none()));
        }
    }

    private static void echoRaw(CaseContext c) {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        c.step("calling echo with 256 raw bytes");
        Payload back = c.session().call("echo", all, Payload.class, CallOptions.none());
        c.check(back != null, "echo of 256 raw bytes: expected the same bytes, got no value");
        c.check(back.codec().id() == 0, "echo of 256 raw bytes: expected codec raw, got %s", back.codec().name());
        c.check(Arrays.equals(all, back.bytes()), "echo of 256 raw bytes: got %d different bytes back", back.bytes().length);
    }

    private static void echoEmpty(CaseContext c) {
        c.step("calling echo with no value");
        int mark = c.cs.tap.mark();
        Payload back = c.session().call("echo", null, Payload.class, CallOptions.none());
        c.check(back == null, "echo with an empty body: expected no value, got %s; frames: %s", CaseContext.showPayload(back),
                c.framesSince(mark));
    }

    private static void echoNative(CaseContext c) {
        if (!c.server().codecs().contains("kryo")) {
            if (c.server().name().contains("java")) {
                throw c.fail("the server (%s) is a Java peer but does not list kryo in its HELLO codecs %s", c.server().name(),
                        c.server().codecs());
            }
            throw c.skip("kryo not offered by server");
        }
        Map<String, Object> nested = new HashMap<>();
        nested.put("ok", true);
        Map<String, Object> value = new HashMap<>();
        value.put("name", "parley");
        value.put("n", 7);
        value.put("list", new ArrayList<>(List.of(1, 2, 3)));
        value.put("nested", nested);
        c.step("calling echo in kryo");
        Payload back = c.session().call("echo", value, Payload.class, CallOptions.none().withCodec(c.cs.kryo));
        c.check(back != null && back.codec().id() == c.cs.kryo.id(), "echo in kryo: expected a kryo result, got %s",
                CaseContext.showPayload(back));
        Object decoded = back.as(Object.class);
        c.check(value.equals(decoded), "echo in kryo: expected %s, got %s", value, decoded);
    }

    private static void echoZstd(CaseContext c) {
        if (!ZstdCompression.isAvailable()) {
            throw c.skip("zstd not available in driver");
        }
        if (!c.server().compression().contains("zstd")) {
            throw c.skip("zstd not offered by server");
        }
        echoCompressed(c, ZstdCompression.INSTANCE);
    }

    /** P-005/P-006: 65 536 × "a", sent compressed (the session offers and uses only {@code comp}). */
    private static void echoCompressed(CaseContext c, Compression comp) {
        c.check(c.server().compression().contains(comp.name()), "the server does not list %s in its HELLO compressions %s",
                comp.name(), c.server().compression());
        JsonNode text = JsonValues.MAPPER.getNodeFactory().textNode("a".repeat(65_536));
        int mark = c.cs.tap.mark();
        JsonNode back = c.call("echo", text, CallOptions.none());
        List<WireFrame> requests = c.cs.tap.since(mark).stream().filter(f -> f.outgoing() && f.isKind(WireFrame.REQUEST)).toList();
        c.check(!requests.isEmpty() && requests.get(0).compression() == comp.id(),
                "the driver did not send the request with compression %s (%d): %s", comp.name(), comp.id(), c.framesSince(mark));
        c.expectValue("echo of 65536 × \"a\" with " + comp.name(), text, back);
        List<WireFrame> responses = c.cs.tap.since(mark).stream().filter(f -> !f.outgoing() && f.isKind(WireFrame.RESPONSE)).toList();
        c.note("response compression " + (responses.isEmpty() ? "?" : responses.get(0).compression()));
    }

    private static void sum(CaseContext c) {
        StringBuilder hundred = new StringBuilder("[");
        for (int i = 1; i <= 100; i++) {
            hundred.append(i == 1 ? "" : ",").append(i);
        }
        hundred.append(']');
        c.expectValue("sum [1..100]", JsonValues.parse("5050"), c.call("sum", hundred.toString()));
        c.expectValue("sum [9007199254740000, 991]", JsonValues.parse("9007199254740991"), c.call("sum", "[9007199254740000,991]"));
        c.expectValue("sum []", JsonValues.parse("0"), c.call("sum", "[]"));
    }
}
