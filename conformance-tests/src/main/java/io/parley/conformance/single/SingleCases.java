package io.parley.conformance.single;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conformance.transport.PeerProcess;
import io.parley.conformance.wire.Frame;
import io.parley.conformance.wire.FrameRules;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Msg;
import io.parley.conformance.wire.Wire;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static io.parley.conformance.single.Expect.error;
import static io.parley.conformance.single.Expect.of;
import static io.parley.conformance.single.Expect.pong;
import static io.parley.conformance.single.Expect.response;
import static io.parley.conformance.single.Expect.unordered;
import static io.parley.conformance.single.Script.jsonFrame;
import static io.parley.conformance.single.Script.request;
import static io.parley.conformance.single.SingleCase.process;
import static io.parley.conformance.single.SingleCase.raw;
import static io.parley.conformance.single.SingleCase.session;
import static io.parley.conformance.single.SingleCase.testeeInitiates;
import static io.parley.conformance.wire.Wire.*;

/**
 * The single-peer cases (h2spec style). Each: id, title, SPEC section, body. The runner's wire
 * driver ({@link Script}) plays the counterpart; a case fails with the first deviation from the
 * outcome the spec requires. Add a case by adding one entry to {@link #all()}.
 */
public final class SingleCases {
    private SingleCases() {}

    public static List<SingleCase> all() {
        List<SingleCase> l = new ArrayList<>();
        l.addAll(handshake());
        l.addAll(requests());
        l.addAll(ids());
        l.addAll(flow());
        l.addAll(lifecycle());
        l.addAll(chunked());
        l.addAll(framing());
        l.addAll(transports());
        l.addAll(SpecV11Cases.all());
        l.addAll(RingCases.all());
        l.addAll(StallAndInFlightCases.all());
        return l;
    }

    // ------------------------------------------------------------------ helpers

    static ObjectNode hello() {
        return Script.defaultHello();
    }

    static Frame helloFrame(ObjectNode h) {
        return jsonFrame(HELLO, 0, h);
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) (k * 31 + 7);
        return b;
    }

    static Frame rawRequest(long id, String method, byte[] body) {
        return Frame.of(REQUEST, 0, id, body.length == 0 ? 0 : CODEC_RAW, 0, requestMeta(0, method), body);
    }

    static String jsonString(int n, char c) {
        return String.valueOf(c).repeat(n);
    }

    static void expectRawResult(Script s, long id, byte[] want) {
        Msg m = s.expectResponse(id);
        if (m.codec() != CODEC_RAW) throw s.fail("expected a raw (codec 0) RESPONSE, got " + m);
        if (!Arrays.equals(m.plainBody(), want)) throw s.fail("RESPONSE bytes differ from the request's: " + m);
    }

    static void expectJson(Script s, JsonNode got, Object want, String what) {
        if (!Json.same(Json.tree(want), got)) throw s.fail(what + ": expected " + Json.text(want) + ", got " + got);
    }

    // ------------------------------------------------------------------ §8.2 handshake

    static List<SingleCase> handshake() {
        return List.of(
            session("S-001", "acceptor HELLO is well-formed and chooses version 1", "8.2", s -> {
                JsonNode h = s.peerHello();
                if (h.get("versions").get(0).asInt() != 1) throw s.fail("acceptor chose " + h.get("versions") + ", we offered [1]");
                s.expectAlive();
            }),
            raw("S-002", "acceptor picks the highest version it speaks from [1,2,7]", "8.2", s -> {
                ObjectNode h = hello();
                h.putArray("versions").add(1).add(2).add(7);
                JsonNode r = s.hello(h);
                if (r.get("versions").get(0).asInt() != 1) throw s.fail("acceptor chose " + r.get("versions") + ", expected [1]");
                s.expectAlive();
            }),
            raw("S-003", "no common version: UNSUPPORTED_VERSION, no HELLO, close", "8.2", s -> {
                ObjectNode h = hello();
                h.putArray("versions").add(2);
                s.send(helloFrame(h));
                s.expectFatal(UNSUPPORTED_VERSION);
            }),
            raw("S-004", "HELLO without \"json\" codec: HANDSHAKE_FAILED", "8.2", s -> {
                ObjectNode h = hello();
                h.putArray("codecs").add("raw");
                s.send(helloFrame(h));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-005", "HELLO body is not valid JSON: HANDSHAKE_FAILED", "8.2", s -> {
                s.send(Frame.of(HELLO, 0, 0, CODEC_JSON, 0, null, "{\"versions\":[1],".getBytes(StandardCharsets.UTF_8)));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-006", "HELLO missing required member max_frame: HANDSHAKE_FAILED", "8.2", s -> {
                ObjectNode h = hello();
                h.remove("max_frame");
                s.send(helloFrame(h));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-007", "HELLO max_frame 1000 (below 16 KiB): HANDSHAKE_FAILED", "3.2", s -> {
                ObjectNode h = hello();
                h.put("max_frame", 1000);
                s.send(helloFrame(h));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-008", "unknown HELLO members and codec/compression names are ignored", "12", s -> {
                ObjectNode h = hello();
                h.putObject("future_member").put("x", 1);
                h.putArray("codecs").add("json").add("raw").add("msgpack-v9");
                h.putArray("compression").add("deflate").add("brotli-x");
                s.hello(h);
                s.expectAlive();
            }),
            raw("S-009", "REQUEST before HELLO: HANDSHAKE_FAILED", "8.2", s -> {
                s.send(request(1, "echo", "early"));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-010", "stray bytes before the HELLO are allowed", "8.2", s -> {
                s.sendBytes("PHP Notice: something happened\n".getBytes(StandardCharsets.US_ASCII));
                s.hello();
                s.expectAlive();
            }),
            raw("S-011", "token required, HELLO without token: AUTH_FAILED and no HELLO", "8.2", s -> {
                s.send(helloFrame(hello()));
                s.expectFatal(AUTH_FAILED);
            }).args("--token", "s3cret"),
            raw("S-012", "token required, wrong token: AUTH_FAILED", "9.3", s -> {
                ObjectNode h = hello();
                h.put("token", "s3creT");
                s.send(helloFrame(h));
                s.expectFatal(AUTH_FAILED);
            }).args("--token", "s3cret"),
            raw("S-013", "token required, right token: handshake completes", "8.2", s -> {
                ObjectNode h = hello();
                h.put("token", "s3cret");
                s.hello(h);
                s.expectAlive();
            }).args("--token", "s3cret"),
            raw("S-014", "reserved caps bits from the initiator are ignored", "8.3", s -> {
                ObjectNode h = hello();
                h.put("caps", 7 | 0x100 | 0x8000);
                s.hello(h);
                s.expectAlive();
            }),
            raw("S-015", "frame over 64 KiB before the handshake (header only): FRAME_TOO_LARGE", "3.2", s -> {
                s.sendBytes(header(MAGIC, 1, HELLO, 0, 0, 0, CODEC_JSON, 0, PRE_HANDSHAKE_MAX_FRAME + 1, null));
                s.expectFatal(FRAME_TOO_LARGE);
            }),
            testeeInitiates("S-016", "testee as initiator: valid HELLO, well-formed requests, GOODBYE", "8.2", SingleCases::serveTesteeDriver),
            testeeInitiates("S-017", "testee as initiator: acceptor chooses a version not offered: HANDSHAKE_FAILED", "8.2", s -> {
                Msg m = s.next("the testee's HELLO");
                if (m.kind() != HELLO) throw s.fail("expected HELLO as the initiator's first frame, got " + m);
                s.validateHello(m, false);
                ObjectNode ours = hello();
                ours.putArray("versions").add(99);
                s.send(helloFrame(ours));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-018", "HELLO max_frame above 16 MiB: HANDSHAKE_FAILED", "3.2", s -> {
                ObjectNode h = hello();
                h.put("max_frame", MAX_MAX_FRAME + 1);
                s.send(helloFrame(h));
                s.expectFatal(HANDSHAKE_FAILED);
            }),
            raw("S-019", "HELLO frame with version byte 2: UNSUPPORTED_VERSION", "3.4", s -> {
                byte[] body = Json.bytes(hello());
                s.sendBytes(Wire.encode(new Frame(2, HELLO, 0, 0, CODEC_JSON, 0, null, body)));
                s.expectFatal(UNSUPPORTED_VERSION);
            }));
    }

    /** S-016: the runner serves {@code echo} to a testee that drives P-001 towards it. */
    static void serveTesteeDriver(Script s) {
        ObjectNode ours = hello();
        s.acceptHello(ours);
        int echoes = 0;
        while (true) {
            Msg m = s.next("a REQUEST or GOODBYE from the testee", Duration.ofSeconds(20));
            switch (m.kind()) {
                case REQUEST -> {
                    String bad = FrameRules.invalidRequestMeta(m.meta());
                    if (bad != null) throw s.fail("testee sent a REQUEST with invalid meta (" + bad + "): " + m);
                    if ("echo".equals(m.method())) {
                        echoes++;
                        s.send(Frame.of(RESPONSE, 0, m.id(), m.codec(), m.compression(), null, m.body()));
                    } else {
                        s.send(Script.error(m.id(), METHOD_NOT_FOUND, "runner serves only echo"));
                    }
                }
                case NOTIFICATION, CANCEL, PONG -> { }
                case GOODBYE -> {
                    s.send(Script.goodbye("ok"));
                    s.closeOutput();
                    s.expectClosed("after the GOODBYE exchange (§8.5)");
                    if (echoes == 0) throw s.fail("the testee closed without sending any echo request");
                    return;
                }
                default -> throw s.fail("unexpected frame from the driving testee: " + m);
            }
        }
    }

    // ------------------------------------------------------------------ §4, §6.2, §10 requests

    static List<SingleCase> requests() {
        return List.of(
            session("S-020", "echo json: RESPONSE with the same id and value", "6.2", s -> {
                JsonNode v = Json.parse("{\"s\":\"héllo ✓\",\"n\":[1,2.5,-3,9007199254740991],\"t\":true,\"z\":null,\"o\":{}}");
                long id = s.nextId();
                s.send(request(id, "echo", v));
                Msg m = s.expectResponse(id);
                if (m.codec() != CODEC_JSON) throw s.fail("echo of a JSON value answered with codec " + m.codec());
                expectJson(s, m.json(), v, "echo");
            }),
            session("S-021", "echo raw: RESPONSE with codec raw and the same bytes", "10.1", s -> {
                byte[] all = new byte[256];
                for (int i = 0; i < 256; i++) all[i] = (byte) i;
                long id = s.nextId();
                s.send(rawRequest(id, "echo", all));
                expectRawResult(s, id, all);
            }),
            session("S-022", "echo of an empty body: RESPONSE with an empty body", "4", s -> {
                long id = s.nextId();
                s.send(request(id, "echo", null));
                Msg m = s.expectResponse(id);
                if (m.body().length != 0) throw s.fail("echo of no value should return no value, got " + m);
            }),
            session("S-023", "unknown method: METHOD_NOT_FOUND, session continues", "6.2", s -> {
                long id = s.nextId();
                s.send(request(id, "no-such-method", Json.obj()));
                s.expectError(id, METHOD_NOT_FOUND);
                s.expectAlive();
            }),
            session("S-024", "unknown $/ request: METHOD_NOT_FOUND; unknown $/ notification ignored", "4.3", s -> {
                long id = s.nextId();
                s.send(request(id, "$/conformance-unknown", Json.obj()));
                s.expectError(id, METHOD_NOT_FOUND);
                s.send(Script.notification("$/conformance-unknown", Json.obj()));
                s.fence();
                s.expectAlive();
            }),
            session("S-025", "REQUEST with meta_len < 5: INVALID_REQUEST, session continues", "4.1", s -> {
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, 0, new byte[] {0, 0, 0}, Json.bytes("x")));
                s.expectError(id, INVALID_REQUEST);
                s.expectAlive();
            }),
            session("S-026", "REQUEST method of 256 bytes: INVALID_REQUEST", "4.1", s -> {
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, 0, requestMeta(0, "m".repeat(256)), Json.bytes("x")));
                s.expectError(id, INVALID_REQUEST);
                s.expectAlive();
            }),
            session("S-027", "REQUEST method not valid UTF-8: INVALID_REQUEST", "4.1", s -> {
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, 0, requestMeta(0, new byte[] {'e', (byte) 0xC3, 0x28}), Json.bytes("x")));
                s.expectError(id, INVALID_REQUEST);
                s.expectAlive();
            }),
            session("S-028", "JSON body that does not parse: PARSE_ERROR, session continues", "10.1", s -> {
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, 0, requestMeta(0, "echo"), "{\"a\":".getBytes(StandardCharsets.UTF_8)));
                s.expectError(id, PARSE_ERROR);
                s.expectAlive();
            }),
            session("S-029", "codec not offered (100, reserved): UNSUPPORTED_ENCODING", "6.2", s -> {
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, 100, 0, requestMeta(0, "echo"), new byte[] {1, 2, 3}));
                s.expectError(id, UNSUPPORTED_ENCODING);
                s.expectAlive();
            }),
            session("S-030", "deflate-compressed request is decompressed", "10.2", s -> {
                requireListed(s, "compression", "deflate");
                String big = jsonString(10_000, 'a');
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, COMP_DEFLATE, requestMeta(0, "echo"), deflate(Json.bytes(big))));
                JsonNode r = s.expectResult(id);
                expectJson(s, r, big, "echo of a deflated body");
            }),
            session("S-031", "corrupt deflate body: PARSE_ERROR, session continues", "6.2", s -> {
                requireListed(s, "compression", "deflate");
                long id = s.nextId();
                byte[] bad = {0x78, (byte) 0x9C, 1, 2, 3, 4, 5, 6, 7, 8};
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, COMP_DEFLATE, requestMeta(0, "echo"), bad));
                s.expectError(id, PARSE_ERROR);
                s.expectAlive();
            }),
            session("S-032", "Appendix A.1 request gets exactly the A.2 response bytes", "3.1", s -> {
                s.sendBytes(HexFormat.of().parseHex("fa50524c0102000000000001000801000000000401db980f000013886563686f22686922"));
                Msg m = s.expectResponse(1);
                byte[] got = Wire.encode(Frame.of(m.kind(), m.flags(), m.id(), m.codec(), m.compression(), m.meta(), m.body()));
                String want = "fa50524c" + "01" + "03" + "0000" + "00000001" + "0000" + "01" + "00" + "00000004" + "2878985d" + "22686922";
                if (!HexFormat.of().formatHex(got).equals(want)) throw s.fail("expected A.2 " + want + ", got " + HexFormat.of().formatHex(got));
            }),
            session("S-033", "a NOTIFICATION gets no answer of any kind", "6.7", s -> {
                s.send(Script.notification("conf/unknown-note", Json.obj().put("x", 1)));
                s.send(Script.notification("echo", "notified"));
                s.fence();
                s.expectAlive();
            }),
            session("S-034", "method names are case-sensitive: ECHO is METHOD_NOT_FOUND", "4.1", s -> {
                long id = s.nextId();
                s.send(request(id, "ECHO", "x"));
                s.expectError(id, METHOD_NOT_FOUND);
            }),
            session("S-035", "compression not offered (99): UNSUPPORTED_ENCODING", "10.2", s -> {
                long id = s.nextId();
                s.send(Frame.of(REQUEST, 0, id, CODEC_JSON, 99, requestMeta(0, "echo"), new byte[] {1, 2, 3}));
                s.expectError(id, UNSUPPORTED_ENCODING);
                s.expectAlive();
            }),
            session("S-036", "typed handler error: ERROR with the handler's code and message", "7.1", s -> {
                long id = s.nextId();
                s.send(request(id, "fail", Json.obj().put("code", 4001).put("message", "custom failure")));
                JsonNode e = s.expectError(id, 4001);
                if (!"custom failure".equals(e.path("message").asText())) throw s.fail("message not passed: " + e);
                s.expectAlive();
            }),
            session("S-037", "sum returns an exact integer", "10.1", s -> {
                JsonNode r = s.call("sum", Json.parse("[9007199254740000, 991, -5, 5]"));
                if (r == null || !r.isIntegralNumber() || r.longValue() != 9007199254740991L) throw s.fail("sum returned " + r + ", expected 9007199254740991");
            }),
            session("S-038", "NOTIFICATION with an empty method is dropped, session continues", "4.2", s -> {
                s.send(Frame.of(NOTIFICATION, 0, 0, CODEC_JSON, 0, new byte[0], Json.bytes("x")));
                s.fence();
                s.expectAlive();
            }));
    }

    static void requireListed(Script s, String member, String name) {
        for (JsonNode n : s.peerHello().path(member)) if (name.equals(n.asText())) return;
        throw s.fail("the testee's HELLO does not list " + member + " \"" + name + "\" (PEER-CONTRACT requires it): " + s.peerHello().path(member));
    }

    // ------------------------------------------------------------------ §6.1 ids, ordering

    static List<SingleCase> ids() {
        return List.of(
            session("S-040", "ids 1, 2^32-1 and 7 (not ascending) are answered with their own ids", "6.1", s -> {
                s.send(request(1, "echo", 1), request(0xFFFFFFFFL, "echo", "max"), request(7, "echo", 7));
                unordered(s, of("1", response(1, 1), "4294967295", response(0xFFFFFFFFL, "max"), "7", response(7, 7)));
            }),
            session("S-041", "RESPONSE, ERROR and PROGRESS for unknown ids are ignored", "6.1", s -> {
                s.send(jsonFrame(RESPONSE, 99, "stray response"), Script.error(98, 4000, "stray error"), jsonFrame(PROGRESS, 97, Json.obj().put("progress", 1)));
                s.fence();
                s.expectAlive();
            }),
            session("S-042", "duplicate id of a request still running: PROTOCOL_ERROR, close", "6.1", s -> {
                s.send(request(5, "sleep", Json.obj().put("ms", 3000)));
                s.send(request(5, "echo", "dup"));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-043", "an id may be reused once its request was answered", "6.1", s -> {
                s.send(request(3, "echo", "first"));
                expectJson(s, s.expectResult(3), "first", "first use of id 3");
                s.send(request(3, "echo", "second"));
                expectJson(s, s.expectResult(3), "second", "reuse of id 3");
            }),
            session("S-044", "the testee's own requests: id >= 1, answered by RESPONSE and ERROR", "6.1", s -> {
                s.send(request(1, "callback", Json.obj().put("method", "conf/from-runner").set("params", Json.obj().put("k", 1))));
                Msg r = s.expect("the testee's REQUEST conf/from-runner", m -> m.kind() == REQUEST);
                if (!"conf/from-runner".equals(r.method())) throw s.fail("callback called " + r.method() + " instead of conf/from-runner");
                expectJson(s, r.json(), Json.obj().put("k", 1), "callback params");
                s.send(jsonFrame(RESPONSE, r.id(), Json.obj().put("got", "it")));
                expectJson(s, s.expectResult(1), Json.obj().put("got", "it"), "callback result");
                s.send(request(2, "callback", Json.obj().put("method", "conf/fails").set("params", Json.obj())));
                Msg r2 = s.expect("the testee's REQUEST conf/fails", m -> m.kind() == REQUEST);
                ObjectNode err = Json.obj().put("code", 4002).put("message", "runner says no").put("extra_member", true);
                s.send(jsonFrame(ERROR, r2.id(), err));
                s.expectError(2, 4002);
            }),
            session("S-045", "notifications sent by a handler arrive before its RESPONSE, in order", "6.7", s -> {
                s.send(request(1, "notify-back", Json.obj().put("n", 5).put("method", "conf/n")));
                for (int i = 1; i <= 5; i++) {
                    int want = i;
                    Msg m = s.expect("NOTIFICATION conf/n {\"i\":" + i + "}", x -> x.kind() == NOTIFICATION);
                    if (!"conf/n".equals(m.method()) || !Json.same(Json.obj().put("i", want), m.json())) throw s.fail("expected NOTIFICATION conf/n {\"i\":" + i + "}, got " + m);
                }
                expectJson(s, s.expectResult(1), 5, "notify-back result");
            }),
            session("S-046", "50 requests pipelined in one write are each answered once", "6.2", s -> {
                List<Frame> fs = new ArrayList<>();
                var ex = new java.util.LinkedHashMap<String, java.util.function.Predicate<Msg>>();
                for (int i = 1; i <= 50; i++) {
                    fs.add(request(i, "echo", Json.obj().put("i", i)));
                    ex.put("id " + i, response(i, Json.obj().put("i", i)));
                }
                s.send(fs.toArray(new Frame[0]));
                unordered(s, ex);
            }),
            session("S-047", "the two id spaces are independent: our id = the testee's outstanding id", "6.1", s -> {
                long cb = 0xFFFFFFF0L; // our callback's id: far from where the testee's ids start
                s.send(request(cb, "callback", Json.obj().put("method", "conf/hold").set("params", Json.obj())));
                Msg r = s.expect("the testee's REQUEST conf/hold", m -> m.kind() == REQUEST);
                if (r.id() == cb) throw s.fail("cannot run: the testee's request id equals our outstanding id " + cb);
                s.send(request(r.id(), "echo", "same id, other space"));
                expectJson(s, s.expectResult(r.id()), "same id, other space", "echo with the testee's own outstanding id");
                s.send(jsonFrame(RESPONSE, r.id(), "held"));
                expectJson(s, s.expectResult(cb), "held", "callback result");
            }));
    }

    // ------------------------------------------------------------------ §6.3, §6.4, §6.5, §6.6

    static List<SingleCase> flow() {
        return List.of(
            session("S-050", "WANT_PROGRESS: n PROGRESS frames, then the RESPONSE", "6.3", s -> {
                s.send(Frame.of(REQUEST, WANT_PROGRESS, 1, CODEC_JSON, 0, requestMeta(0, "progress"), Json.bytes(Json.obj().put("n", 3))));
                for (int i = 1; i <= 3; i++) {
                    Msg m = s.next("PROGRESS " + i + " of 3");
                    if (!m.is(PROGRESS, 1)) throw s.fail("expected PROGRESS " + i + " for id 1, got " + m);
                    expectJson(s, m.json(), Json.obj().put("progress", i).put("total", 3), "progress value");
                }
                expectJson(s, s.expectResult(1), 3, "progress result");
            }),
            session("S-051", "no WANT_PROGRESS: no PROGRESS frame", "6.3", s -> {
                s.send(request(1, "progress", Json.obj().put("n", 3)));
                expectJson(s, s.expectResult(1), 3, "progress result (no PROGRESS frame may precede it)");
            }),
            session("S-052", "CANCEL of a running handler: ERROR CANCELLED", "6.6", s -> {
                s.send(request(1, "wait-for-cancel", Json.obj()));
                s.send(Frame.of(CANCEL, 0, 1, 0, 0, null, null));
                s.expectError(1, CANCELLED);
                s.expectAlive();
            }),
            session("S-053", "CANCEL of an unknown id is ignored", "6.6", s -> {
                s.send(Frame.of(CANCEL, 0, 4242, 0, 0, null, null));
                s.fence();
                s.expectAlive();
            }),
            session("S-054", "CANCEL after the RESPONSE is ignored (no second terminal frame)", "6.6", s -> {
                s.send(request(1, "echo", "done"));
                s.expectResult(1);
                s.send(Frame.of(CANCEL, 0, 1, 0, 0, null, null));
                s.fence();
                s.expectAlive();
            }),
            session("S-055", "CANCEL between the chunks of a REQUEST: CANCELLED, handler not run", "6.6", s -> {
                byte[] body = Json.bytes(Json.obj().put("n", 1).put("method", "conf/must-not-run"));
                int half = body.length / 2;
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "notify-back"), Arrays.copyOf(body, half)));
                s.send(Frame.of(CANCEL, 0, 1, 0, 0, null, null));
                s.send(Frame.of(REQUEST, CONTINUATION, 1, CODEC_JSON, 0, null, Arrays.copyOfRange(body, half, body.length)));
                s.expectError(1, CANCELLED);
                s.fence();
            }),
            session("S-056", "deadline passes while the handler runs: DEADLINE_EXCEEDED", "6.4", s -> {
                s.send(request(1, "sleep", 200, Json.obj().put("ms", 5000)));
                s.expectError(1, DEADLINE_EXCEEDED);
                s.expectAlive();
            }),
            session("S-057", "deadline not reached: the result is returned", "6.4", s -> {
                s.send(request(1, "sleep", 10_000, Json.obj().put("ms", 10)));
                expectJson(s, s.expectResult(1), "slept", "sleep result");
            }),
            session("S-058", "over max_in_flight: OVERLOADED, session continues", "6.5", s -> {
                if (s.peerHello().get("max_in_flight").asLong() != 2) throw s.fail("started with --max-in-flight 2, HELLO says " + s.peerHello().get("max_in_flight"));
                s.send(request(1, "sleep", Json.obj().put("ms", 3000)), request(2, "sleep", Json.obj().put("ms", 3000)), request(3, "echo", "third"));
                unordered(s, of("OVERLOADED 3", error(3, OVERLOADED), "slept 1", response(1, "slept"), "slept 2", response(2, "slept")));
                s.expectAlive();
            }).args("--max-in-flight", "2"));
    }

    // ------------------------------------------------------------------ §8.4, §8.5, §9.1

    static List<SingleCase> lifecycle() {
        return List.of(
            session("S-060", "PING is answered by PONG with the same id and body", "8.4", s -> {
                s.send(Frame.of(PING, 0, 7, 0, 0, null, "abc".getBytes(StandardCharsets.US_ASCII)));
                Msg m = s.expect("PONG 7 \"abc\"", pong(7));
                if (!"abc".equals(new String(m.body(), StandardCharsets.US_ASCII))) throw s.fail("PONG body differs: " + m);
            }),
            session("S-061", "PING with a 64-byte body and id 0", "8.4", s -> {
                byte[] b = pattern(64);
                s.send(Frame.of(PING, 0, 0, 0, 0, null, b));
                Msg m = s.expect("PONG 0", pong(0));
                if (!Arrays.equals(b, m.body())) throw s.fail("PONG body differs: " + m);
            }),
            session("S-062", "PING with a 65-byte body: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(PING, 0, 1, 0, 0, null, pattern(65)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-063", "PING while a handler runs is answered", "8.4", s -> {
                s.send(request(1, "sleep", Json.obj().put("ms", 500)));
                s.send(Frame.of(PING, 0, 9, 0, 0, null, null));
                unordered(s, of("PONG 9", pong(9), "slept", response(1, "slept")));
            }),
            session("S-064", "heartbeat: the testee PINGs when idle", "8.4", s -> {
                if (s.peerHello().get("heartbeat_ms").asLong() != 200) throw s.fail("started with --heartbeat-ms 200, HELLO says " + s.peerHello().get("heartbeat_ms"));
                s.deliverPings(true);
                s.expect("a PING from the testee within " + s.waitBound().toMillis() + " ms of idleness", Expect.kind(PING));
                s.deliverPings(false);
                s.expectAlive();
            }).args("--heartbeat-ms", "200"),
            session("S-065", "GOODBYE is answered by GOODBYE and a close", "8.5", s -> {
                s.send(Script.goodbye("case S-065"));
                Msg m = s.expect("GOODBYE", Expect.kind(GOODBYE));
                JsonNode b = m.json();
                if (b == null || !b.path("reason").isTextual()) throw s.fail("GOODBYE body must be {\"reason\": string} (§8.5): " + m);
                s.closeOutput();
                s.expectClosed("after the GOODBYE exchange");
                if (s.testeeIsChild()) {
                    Integer st = s.testee().waitExit(s.waitBound());
                    if (st == null) throw s.fail("the stdio child did not exit within " + s.waitBound().toSeconds() + " s after the GOODBYE exchange");
                    if (st != 0) throw s.fail("the stdio child exited with status " + st + " after a GOODBYE exchange (PEER-CONTRACT: 0)");
                }
            }),
            session("S-066", "GOODBYE with a request in flight: the RESPONSE is still sent", "8.5", s -> {
                s.send(request(1, "sleep", Json.obj().put("ms", 300)));
                s.send(Script.goodbye("drain"));
                unordered(s, of("GOODBYE", Expect.kind(GOODBYE), "slept", response(1, "slept")));
                s.closeOutput();
                s.expectClosed("after draining");
            }),
            session("S-067", "REQUEST after the testee's GOODBYE: SHUTTING_DOWN", "8.5", s -> {
                s.send(request(1, "sleep", Json.obj().put("ms", 500)));
                s.send(Script.goodbye("drain"));
                s.expect("GOODBYE", Expect.kind(GOODBYE));
                s.send(request(2, "echo", "too late"));
                unordered(s, of("SHUTTING_DOWN 2", error(2, SHUTTING_DOWN), "slept 1", response(1, "slept")));
                s.closeOutput();
                s.expectClosed("after draining");
            }),
            session("S-068", "PING during DRAINING is answered", "8.4", s -> {
                s.send(request(1, "sleep", Json.obj().put("ms", 500)));
                s.send(Script.goodbye("drain"));
                s.expect("GOODBYE", Expect.kind(GOODBYE));
                s.send(Frame.of(PING, 0, 5, 0, 0, null, null));
                unordered(s, of("PONG 5", pong(5), "slept 1", response(1, "slept")));
                s.closeOutput();
                s.expectClosed("after draining");
            }),
            session("S-069", "shutdown: RESPONSE \"bye\" and the testee's GOODBYE", "8.5", s -> {
                s.send(request(1, "shutdown", Json.obj()));
                // PEER-CONTRACT says "returns bye, then starts GOODBYE"; the spec lets a draining
                // peer still send the RESPONSE after its GOODBYE (§8.5 step 1), so either order
                unordered(s, of("RESPONSE \"bye\"", response(1, "bye"), "GOODBYE", Expect.kind(GOODBYE)));
                s.send(Script.goodbye("ok"));
                s.closeOutput();
                s.expectClosed("after the GOODBYE exchange");
                Integer st = s.testee().waitExit(Duration.ofSeconds(10));
                if (st == null) throw s.fail(s.testeeIsChild() ? "the stdio child did not exit after shutdown" : "the listening server did not stop after shutdown (PEER-CONTRACT)");
            }).dedicatedServer(),
            session("S-070", "end of stdin: the child exits", "9.1", s -> {
                if (s.transport().equals("shm")) {
                    // a ring child's stdin is a pipe its parent holds open (§9.4 step 3; §9.1's rule applies)
                    s.testee().closeStdin();
                } else {
                    s.closeOutput();
                }
                s.expectClosed("after end of its stdin (§9.1)");
                Integer st = s.testee().waitExit(s.waitBound());
                if (st == null) throw s.fail("the child kept running " + s.waitBound().toSeconds() + " s after end of stdin (§9.1: MUST exit)");
                if (st != 0) throw s.fail("the child exited with status " + st + " on end of stdin (PEER-CONTRACT: 0)");
            }).notOn("unix", "end of stdin is a stdio notion (§9.1); sockets: S-065").notOn("tcp", "end of stdin is a stdio notion (§9.1); sockets: S-065"));
    }

    // ------------------------------------------------------------------ §5 chunked messages

    static List<SingleCase> chunked() {
        return List.of(
            session("S-080", "REQUEST in three frames (MORE, MORE|CONTINUATION, CONTINUATION)", "5", s -> {
                byte[] body = Json.bytes(jsonString(3000, 'c'));
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), Arrays.copyOfRange(body, 0, 1000)),
                        Frame.of(REQUEST, MORE | CONTINUATION, 1, CODEC_JSON, 0, null, Arrays.copyOfRange(body, 1000, 2000)),
                        Frame.of(REQUEST, CONTINUATION, 1, CODEC_JSON, 0, null, Arrays.copyOfRange(body, 2000, body.length)));
                expectJson(s, s.expectResult(1), jsonString(3000, 'c'), "chunked echo");
            }),
            session("S-081", "PING and a single-frame REQUEST between chunks are answered", "5", s -> {
                byte[] body = Json.bytes("chunked one");
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), Arrays.copyOf(body, 4)));
                s.send(Frame.of(PING, 0, 3, 0, 0, null, null));
                s.send(request(2, "echo", "single"));
                s.send(Frame.of(REQUEST, CONTINUATION, 1, CODEC_JSON, 0, null, Arrays.copyOfRange(body, 4, body.length)));
                unordered(s, of("PONG 3", pong(3), "single", response(2, "single"), "chunked", response(1, "chunked one")));
            }),
            raw("S-082", "the testee chunks a RESPONSE to our max_frame 16 KiB", "5", s -> {
                ObjectNode h = hello();
                h.put("max_frame", MIN_MAX_FRAME);
                h.putArray("compression"); // none: the testee may not shrink the body below one frame
                s.hello(h);
                byte[] data = pattern(100_000);
                s.send(rawRequest(1, "big-echo", data));
                Msg m = s.expectResponse(1);
                if (m.compression() != 0) throw s.fail("the testee used compression " + m.compression() + " which we did not list (§10.2)");
                if (!Arrays.equals(data, m.plainBody())) throw s.fail("reassembled RESPONSE differs from the request bytes (" + m.body().length + " bytes)");
                if (m.frameSizes().size() < 7) throw s.fail("a 100000-byte body cannot fit in " + m.frameSizes().size() + " frames of 16384");
            }),
            session("S-083", "CONTINUATION with no message in progress: PROTOCOL_ERROR", "5", s -> {
                s.send(Frame.of(REQUEST, CONTINUATION, 1, CODEC_JSON, 0, null, Json.bytes("x")));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-084", "CONTINUATION with another id: PROTOCOL_ERROR", "5", s -> {
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), "\"ab".getBytes(StandardCharsets.UTF_8)));
                s.send(Frame.of(REQUEST, CONTINUATION, 2, CODEC_JSON, 0, null, "c\"".getBytes(StandardCharsets.UTF_8)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-085", "a new chunked message while one is in progress: PROTOCOL_ERROR", "5", s -> {
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), "\"ab".getBytes(StandardCharsets.UTF_8)));
                s.send(Frame.of(REQUEST, MORE, 2, CODEC_JSON, 0, requestMeta(0, "echo"), "\"cd".getBytes(StandardCharsets.UTF_8)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-086", "reassembled body over max_message: MESSAGE_TOO_LARGE", "5", s -> {
                if (s.peerHello().get("max_message").asLong() != 65536) throw s.fail("started with --max-message 65536, HELLO says " + s.peerHello().get("max_message"));
                byte[] part = pattern(16_000); // 5 frames within max_frame 16384, 80000 bytes > max_message
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_RAW, 0, requestMeta(0, "big-echo"), part),
                        Frame.of(REQUEST, MORE | CONTINUATION, 1, CODEC_RAW, 0, null, part),
                        Frame.of(REQUEST, MORE | CONTINUATION, 1, CODEC_RAW, 0, null, part),
                        Frame.of(REQUEST, MORE | CONTINUATION, 1, CODEC_RAW, 0, null, part),
                        Frame.of(REQUEST, CONTINUATION, 1, CODEC_RAW, 0, null, part));
                s.expectFatal(MESSAGE_TOO_LARGE);
            }).args("--max-frame", "16384", "--max-message", "65536"),
            session("S-087", "decompressed body over max_message: MESSAGE_TOO_LARGE", "10.2, 13", s -> {
                requireListed(s, "compression", "deflate");
                long mm = s.peerHello().get("max_message").asLong();
                if (mm != 1_048_576) throw s.fail("started with --max-message 1048576, HELLO says " + mm);
                byte[] bomb = deflate(Json.bytes(jsonString(2 * 1_048_576, 'z')));
                s.send(Frame.of(REQUEST, 0, 1, CODEC_JSON, COMP_DEFLATE, requestMeta(0, "echo"), bomb));
                s.expectFatal(MESSAGE_TOO_LARGE);
            }).args("--max-message", "1048576"),
            session("S-088", "WANT_PROGRESS on a REQUEST continuation frame is ignored", "3.3", s -> {
                byte[] body = Json.bytes(Json.obj().put("n", 2));
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "progress"), Arrays.copyOf(body, 3)),
                        Frame.of(REQUEST, CONTINUATION | WANT_PROGRESS, 1, CODEC_JSON, 0, null, Arrays.copyOfRange(body, 3, body.length)));
                expectJson(s, s.expectResult(1), 2, "progress result (WANT_PROGRESS was only on the continuation: no PROGRESS)");
            }));
    }

    // ------------------------------------------------------------------ §3, §4 framing and malformed input

    static List<SingleCase> framing() {
        return List.of(
            session("S-090", "a request written one byte per write is answered", "3.5", s -> {
                s.sendByteByByte(Wire.encode(request(1, "echo", "slowly")));
                expectJson(s, s.expectResult(1), "slowly", "echo");
            }),
            session("S-091", "stray bytes between frames are skipped", "3.6", s -> {
                s.sendBytes(Wire.concat("hello from the void\n".getBytes(StandardCharsets.US_ASCII), Wire.encode(request(1, "echo", 1)),
                        new byte[] {0, 1, 2, (byte) 0xFA, 0x50}, Wire.encode(request(2, "echo", 2)), new byte[] {(byte) 0xFA}));
                s.sendBytes(Wire.encode(request(3, "echo", 3)));
                unordered(s, of("1", response(1, 1), "2", response(2, 2), "3", response(3, 3)));
            }),
            session("S-092", "bad magic FA50524D is stray", "3.5", s -> {
                s.sendBytes(Wire.concat(header(0xFA50524D, 1, REQUEST, 0, 1, 8, CODEC_JSON, 0, 3, null), requestMeta(0, "echo"), "\"x\"".getBytes(StandardCharsets.US_ASCII)));
                s.fence();
                s.expectAlive();
            }),
            session("S-093", "bad header checksum: stray, the decoder resynchronises", "3.5", s -> {
                byte[] good = Wire.encode(request(2, "echo", "after"));
                byte[] bad = Wire.encode(request(1, "echo", "bad"));
                bad[23] ^= 0x01;
                s.sendBytes(Wire.concat(bad, good));
                expectJson(s, s.expectResult(2), "after", "the frame after a bad checksum");
                s.fence();
            }),
            session("S-094", "bad checksum and version 2: still only stray (checks in order)", "3.5", s -> {
                byte[] h = header(MAGIC, 2, REQUEST, 0, 1, 0, 0, 0, 0, 0x12345678);
                s.sendBytes(h);
                s.fence();
                s.expectAlive();
            }),
            session("S-095", "version 2 with a valid checksum: UNSUPPORTED_VERSION", "3.4", s -> {
                s.sendBytes(Wire.encode(new Frame(2, REQUEST, 0, 1, CODEC_JSON, 0, requestMeta(0, "echo"), Json.bytes("v2"))));
                s.expectFatal(UNSUPPORTED_VERSION);
            }),
            session("S-096", "unknown kind 0x0B with meta and body is skipped", "4", s -> {
                s.send(Frame.of(0x0B, 0, 5, 0, 0, "abc".getBytes(StandardCharsets.US_ASCII), "defg".getBytes(StandardCharsets.US_ASCII)));
                s.fence();
                s.expectAlive();
            }),
            session("S-097", "kind 0 is skipped", "4", s -> {
                s.send(Frame.of(0, 0, 0, 0, 0, null, "zero".getBytes(StandardCharsets.US_ASCII)));
                s.fence();
                s.expectAlive();
            }),
            session("S-098", "payload over max_frame, header only: FRAME_TOO_LARGE without waiting", "3.2", s -> {
                long limit = s.peerHello().get("max_frame").asLong();
                s.sendBytes(header(MAGIC, 1, REQUEST, 0, 1, 8, CODEC_RAW, 0, limit - 8 + 1, null));
                s.expectFatal(FRAME_TOO_LARGE);
            }),
            session("S-099", "more than max_stray (1 MiB) stray bytes: PROTOCOL_ERROR", "3.6", s -> {
                byte[] junk = new byte[64 * 1024];
                Arrays.fill(junk, (byte) 'x');
                for (int i = 0; i < 16; i++) s.sendBytes(junk);
                s.sendBytes(new byte[] {'x', 'x'});
                s.expectFatal(PROTOCOL_ERROR);
            }).bound(40),
            session("S-100", "truncated frame then end of input: the testee closes", "3.5", s -> {
                byte[] f = Wire.encode(request(1, "echo", "never completed"));
                s.sendBytes(Arrays.copyOf(f, 30));
                s.closeOutput();
                s.expectClosed("after a truncated frame and end of input");
            }),
            session("S-101", "reserved flag bits are ignored", "3.3", s -> {
                s.send(Frame.of(REQUEST, 0x8000 | 0x0100, 1, CODEC_JSON, 0, requestMeta(0, "echo"), Json.bytes("flags")));
                expectJson(s, s.expectResult(1), "flags", "echo with reserved flag bits");
            }),
            session("S-102", "MORE on a PING: PROTOCOL_ERROR", "3.3", s -> {
                s.send(Frame.of(PING, MORE, 1, 0, 0, null, null));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-103", "WANT_PROGRESS on a NOTIFICATION: PROTOCOL_ERROR", "3.3", s -> {
                s.send(Frame.of(NOTIFICATION, WANT_PROGRESS, 0, CODEC_JSON, 0, "conf/x".getBytes(StandardCharsets.US_ASCII), Json.bytes(1)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-104", "meta on a RESPONSE: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(RESPONSE, 0, 5, CODEC_JSON, 0, "m".getBytes(StandardCharsets.US_ASCII), Json.bytes(1)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-105", "REQUEST with id 0: PROTOCOL_ERROR", "4", s -> {
                s.send(request(0, "echo", "zero"));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-106", "NOTIFICATION with id 3: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(NOTIFICATION, 0, 3, CODEC_JSON, 0, "conf/x".getBytes(StandardCharsets.US_ASCII), Json.bytes(1)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-107", "GOODBYE with codec raw: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(GOODBYE, 0, 0, CODEC_RAW, 0, null, Json.bytes(Json.obj().put("reason", "raw"))));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-108", "empty body with codec json: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(REQUEST, 0, 1, CODEC_JSON, 0, requestMeta(0, "echo"), null));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-109", "a whole frame inside a raw body does not confuse the decoder", "3.5", s -> {
                byte[] inner = Wire.concat(Wire.encode(request(9, "echo", "inner")), "tail".getBytes(StandardCharsets.US_ASCII));
                s.send(rawRequest(1, "echo", inner));
                expectRawResult(s, 1, inner);
                s.fence();
            }),
            session("S-110", "CANCEL with a body: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(CANCEL, 0, 1, CODEC_RAW, 0, null, new byte[] {1}));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-111", "ERROR body with codec raw: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(ERROR, 0, 77, CODEC_RAW, 0, null, Json.bytes(Json.obj().put("code", 1).put("message", "m"))));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-112", "ERROR with id 0 from us: the testee closes", "7.3", s -> {
                s.send(Script.error(0, PROTOCOL_ERROR, "the runner gives up on purpose"));
                s.expectClosed("after receiving a fatal ERROR (id 0)");
            }),
            session("S-113", "more stray bytes than max_frame in one burst do not break the session", "3.6", s -> {
                byte[] junk = new byte[200_000];
                Arrays.fill(junk, (byte) '.');
                s.sendBytes(junk);
                s.expectAlive();
            }),
            session("S-114", "GOODBYE with an empty body: PROTOCOL_ERROR", "4", s -> {
                s.send(Frame.of(GOODBYE, 0, 0, 0, 0, null, null));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-115", "meta on a REQUEST continuation frame: PROTOCOL_ERROR", "4.1", s -> {
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), "\"ab".getBytes(StandardCharsets.UTF_8)),
                        Frame.of(REQUEST, CONTINUATION, 1, CODEC_JSON, 0, requestMeta(0, "echo"), "c\"".getBytes(StandardCharsets.UTF_8)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-116", "CONTINUATION with another codec than its first frame: PROTOCOL_ERROR", "5", s -> {
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), "\"ab".getBytes(StandardCharsets.UTF_8)),
                        Frame.of(REQUEST, CONTINUATION, 1, CODEC_RAW, 0, null, "c\"".getBytes(StandardCharsets.UTF_8)));
                s.expectFatal(PROTOCOL_ERROR);
            }),
            session("S-117", "an empty last chunk keeps the message's codec and is legal", "5", s -> {
                s.send(Frame.of(REQUEST, MORE, 1, CODEC_JSON, 0, requestMeta(0, "echo"), "\"chunk\"".getBytes(StandardCharsets.UTF_8)),
                        Frame.of(REQUEST, CONTINUATION, 1, CODEC_JSON, 0, null, null));
                expectJson(s, s.expectResult(1), "chunk", "echo with an empty last chunk");
            }));
    }

    // ------------------------------------------------------------------ §9 transports

    static List<SingleCase> transports() {
        return List.of(
            session("S-120", "the Unix socket file has mode 0600", "9.2", s -> {
                Path p = Path.of(s.serverAddress());
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))) {
                    throw s.fail("socket file " + p + " has permissions " + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ", expected rw------- (§9.2)");
                }
            }).notOn("stdio", "socket file mode is a Unix-socket rule (§9.2)").notOn("tcp", "socket file mode is a Unix-socket rule (§9.2)")
                    .notOn("shm", "socket file mode is a Unix-socket rule (§9.2); the ring's socket and file are unlinked once attached (§9.4)"),
            process("S-121", "TCP listener on a non-loopback address without a token refuses to start", "9.3, 13", c -> {
                PeerProcess p = c.start(List.of("serve", "--transport", "tcp", "--listen", "0.0.0.0:0"), false);
                Integer st = p.waitExit(Duration.ofSeconds(15));
                if (st == null) {
                    throw c.fail("the peer keeps running with --listen 0.0.0.0:0 and no token (§9.3: SDKs MUST refuse to start it)", p);
                }
                if (st == 0) throw c.fail("the peer exited with status 0; refusing to start must be an error exit", p);
            }).notOn("stdio", "a TCP listener rule (§9.3)").notOn("unix", "a TCP listener rule (§9.3)").notOn("shm", "a TCP listener rule (§9.3)"),
            process("S-122", "a listening path that exists and is not a socket is not replaced", "9.2", c -> {
                Path f = c.dir().resolve("not-a-socket-" + System.nanoTime());
                Files.writeString(f, "precious");
                PeerProcess p = c.start(List.of("serve", "--transport", "unix", "--listen", f.toString()), false);
                Integer st = p.waitExit(Duration.ofSeconds(15));
                if (st == null) throw c.fail("the peer keeps running on a path that is a regular file (§9.2: MUST refuse)", p);
                if (st == 0) throw c.fail("the peer exited with status 0; refusing must be an error exit", p);
                if (!Files.isRegularFile(f) || !"precious".equals(Files.readString(f))) throw c.fail("the regular file at the listen path was replaced or changed", p);
            }).notOn("stdio", "a Unix-socket listener rule (§9.2)").notOn("tcp", "a Unix-socket listener rule (§9.2)").notOn("shm", "a Unix-socket listener rule (§9.2)"),
            session("S-123", "a crashing child: end of stream, its exit status and stderr are observable", "9.1", s -> {
                s.send(request(1, "crash", Json.obj().put("exit", 3)));
                s.expectClosed("after crash");
                Integer st = s.testee().waitExit(s.waitBound());
                if (st == null || st != 3) throw s.fail("crash {\"exit\": 3} should exit with status 3, got " + st);
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (!s.testee().stderrTail().contains("crashing on purpose") && System.nanoTime() < deadline) Thread.sleep(20);
                if (!s.testee().stderrTail().contains("crashing on purpose")) throw s.fail("stderr of the child does not contain 'crashing on purpose'");
            }).notOn("unix", "exit status of the child is a stdio notion (§9.1); sockets: P-029").notOn("tcp", "exit status of the child is a stdio notion (§9.1); sockets: P-029"));
    }
}
