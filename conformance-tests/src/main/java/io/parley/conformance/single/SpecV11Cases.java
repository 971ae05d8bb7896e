package io.parley.conformance.single;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conformance.wire.Frame;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Msg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.parley.conformance.single.Script.jsonFrame;
import static io.parley.conformance.single.Script.request;
import static io.parley.conformance.single.SingleCase.raw;
import static io.parley.conformance.single.SingleCase.session;
import static io.parley.conformance.single.SingleCase.testeeInitiates;
import static io.parley.conformance.wire.Wire.*;

/**
 * The cases of SPEC revision 1.1 (§14): one per rule that 1.0 left open and the two SDKs answered
 * differently, numbered from S-130.
 */
final class SpecV11Cases {
    private SpecV11Cases() {}

    static List<SingleCase> all() {
        return List.of(
            raw("S-130", "HELLO, PING and REQUEST in one write: the acceptor's first frame is its HELLO", "8.2", s -> {
                s.helloPipelined(SingleCases.hello(), Frame.of(PING, 0, 7, 0, 0, null, "p".getBytes(StandardCharsets.US_ASCII)),
                        request(1, "echo", "pipelined"));
                Set<String> got = new HashSet<>();
                for (int i = 0; i < 2; i++) {
                    Msg m = s.next("the PONG 7 and the RESPONSE 1, after the HELLO");
                    if (m.is(PONG, 7)) got.add("pong");
                    else if (m.is(RESPONSE, 1)) got.add("response");
                    else throw s.fail("expected PONG 7 and RESPONSE 1, got " + m);
                }
                if (got.size() != 2) throw s.fail("expected one PONG 7 and one RESPONSE 1, got " + got);
            }),
            raw("S-131", "HELLO with versions [] is malformed: HANDSHAKE_FAILED", "8.2", s -> {
                ObjectNode h = SingleCases.hello();
                h.putArray("versions");
                s.send(SingleCases.helloFrame(h));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            session("S-132", "a second HELLO after the handshake: PROTOCOL_ERROR", "8.2", s -> {
                s.send(SingleCases.helloFrame(SingleCases.hello()));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            raw("S-133", "HELLO peer name of 257 characters: HANDSHAKE_FAILED", "8.2", s -> {
                ObjectNode h = SingleCases.hello();
                h.put("peer", "p".repeat(257));
                s.send(SingleCases.helloFrame(h));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-134", "HELLO peer name of 256 non-ASCII characters is accepted", "8.2", s -> {
                ObjectNode h = SingleCases.hello();
                h.put("peer", "\u00e9".repeat(255) + "\ud83d\ude00");
                s.hello(h);
                s.expectAlive();
            }),
            session("S-135", "an unpaired surrogate escape is PARSE_ERROR; a pair is one character", "10.1", s -> {
                s.send(jsonRequest(1, "\"\\ud800\""));
                s.expectError(1, PARSE_ERROR);
                s.send(jsonRequest(2, "\"\\ud83d\\ude00\""));
                JsonNode r = s.expectResult(2);
                if (r == null || !"\ud83d\ude00".equals(r.asText())) throw s.fail("echo of a surrogate pair returned " + r);
            }),
            session("S-136", "integers are exact in 64 bits; beyond, and 1e400, are PARSE_ERROR", "10.1", s -> {
                s.send(jsonRequest(1, "[9223372036854775807,-9223372036854775808]"));
                JsonNode r = s.expectResult(1);
                if (r == null || !r.isArray() || r.size() != 2
                        || !r.get(0).bigIntegerValue().equals(BigInteger.valueOf(Long.MAX_VALUE))
                        || !r.get(1).bigIntegerValue().equals(BigInteger.valueOf(Long.MIN_VALUE))
                        || !r.get(0).isIntegralNumber()) {
                    throw s.fail("64-bit integers not echoed exactly: " + r);
                }
                s.send(jsonRequest(2, "[18446744073709551616]"));
                s.expectError(2, PARSE_ERROR);
                s.send(jsonRequest(3, "{\"x\":1e400}"));
                s.expectError(3, PARSE_ERROR);
                s.expectAlive();
            }),
            raw("S-137", "a result over the caller's max_message: ERROR MESSAGE_TOO_LARGE, the session goes on", "3.2, 6.2", s -> {
                ObjectNode h = SingleCases.hello();
                h.put("max_frame", MIN_MAX_FRAME).put("max_message", MIN_MAX_FRAME);
                h.putArray("compression");
                s.hello(h);
                s.send(request(1, "echo", "m".repeat(20_000)));
                s.expectError(1, MESSAGE_TOO_LARGE);
                s.expectAlive();
            }),
            session("S-138", "a RESPONSE in a codec the caller did not offer: UNSUPPORTED_ENCODING for that call", "6.2", s -> {
                s.send(request(1, "callback", Json.obj().put("method", "conf/odd-codec").set("params", Json.obj())));
                Msg r = s.expect("the testee's REQUEST conf/odd-codec", m -> m.kind() == REQUEST);
                s.send(Frame.of(RESPONSE, 0, r.id(), 100, 0, null, new byte[] {1, 2, 3}));
                s.expectError(1, UNSUPPORTED_ENCODING);
                s.expectAlive();
            }),
            testeeInitiates("S-139", "testee as initiator: a PING before the acceptor's HELLO: HANDSHAKE_FAILED", "8.2", s -> {
                Msg m = s.next("the testee's HELLO");
                if (m.kind() != HELLO) throw s.fail("expected HELLO as the initiator's first frame, got " + m);
                s.validateHello(m, false);
                s.send(Frame.of(PING, 0, 9, 0, 0, null, null), SingleCases.helloFrame(SingleCases.hello()));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            session("S-140", "zstd body declaring a content size over max_message: MESSAGE_TOO_LARGE (UNSUPPORTED_ENCODING if zstd is not offered)", "7.2, 10.2", s -> {
                // zstd frame: magic, descriptor (8-byte content size, single segment), 2^40, one empty raw last block
                byte[] bomb = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0xE0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0};
                s.send(Frame.of(REQUEST, 0, 1, CODEC_JSON, COMP_ZSTD, requestMeta(0, "echo"), bomb));
                boolean zstd = false;
                for (JsonNode n : s.peerHello().path("compression")) zstd |= "zstd".equals(n.asText());
                if (zstd) {
                    s.expectFatal(MESSAGE_TOO_LARGE);
                } else { // PEER-CONTRACT: zstd may be missing (PHP without libzstd): then it is a compression not offered
                    s.expectError(1, UNSUPPORTED_ENCODING);
                    s.expectAlive();
                }
            }));
    }

    private static Frame jsonRequest(long id, String json) {
        return Frame.of(REQUEST, 0, id, CODEC_JSON, 0, requestMeta(0, "echo"), json.getBytes(StandardCharsets.UTF_8));
    }
}
