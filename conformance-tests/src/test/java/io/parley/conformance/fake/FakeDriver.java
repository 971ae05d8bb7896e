package io.parley.conformance.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conformance.fake.FakeSession.PeerError;
import io.parley.conformance.fake.FakeSession.Value;
import io.parley.conformance.pair.PairCase;
import io.parley.conformance.transport.CommandLine;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.parley.conformance.wire.Wire.*;

/** The fake peer's {@code drive} role: runs the pair scenarios of README.md. */
final class FakeDriver {
    private FakeDriver() {}

    static final class Fail extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fail(String m) {
            super(m, null, false, false);
        }
    }

    static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(String m) {
            super(m, null, false, false);
        }
    }

    /** One case's session and its child process (stdio). */
    static final class Env {
        FakeSession s;
        Process child;
        final Deque<String> stderr = new ArrayDeque<>();
        String transport;

        JsonNode call(String method, Object params) {
            return value(s.call(method, Value.json(params)), method).json();
        }

        Value value(CompletableFuture<Value> f, String what) {
            try {
                return f.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new Fail(what + " failed: " + e.getCause());
            } catch (TimeoutException e) {
                throw new Fail(what + ": no answer within 20 s");
            } catch (InterruptedException e) {
                throw new Fail("interrupted");
            }
        }

        PeerError error(CompletableFuture<Value> f, String what, long seconds) {
            try {
                Value v = f.get(seconds, TimeUnit.SECONDS);
                throw new Fail(what + ": expected an error, got " + (v.codec() == CODEC_JSON ? v.json() : v.body().length + " bytes"));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof PeerError pe) return pe;
                throw new Fail(what + ": " + e.getCause());
            } catch (TimeoutException e) {
                throw new Fail(what + ": did not complete within " + seconds + " s");
            } catch (InterruptedException e) {
                throw new Fail("interrupted");
            }
        }

        JsonNode stats() {
            return call("stats", Json.obj());
        }

        void awaitStats(String what, java.util.function.Predicate<JsonNode> ok) throws InterruptedException {
            long end = System.nanoTime() + 5_000_000_000L;
            JsonNode st = null;
            while (System.nanoTime() < end) {
                st = stats();
                if (ok.test(st)) return;
                Thread.sleep(50);
            }
            throw new Fail(what + "; last stats " + st);
        }

        String stderrTail() {
            synchronized (stderr) {
                return String.join("\n", stderr);
            }
        }
    }

    interface Body {
        void run(Env e) throws Exception;
    }

    static void eq(Object want, JsonNode got, String what) {
        if (!Json.same(Json.tree(want), got)) throw new Fail(what + ": expected " + Json.text(want) + ", got " + got);
    }

    static void code(PeerError e, String what, int... codes) {
        for (int c : codes) if (e.code == c) return;
        throw new Fail(what + ": expected code " + java.util.Arrays.toString(codes) + ", got " + e.code + " " + e.getMessage());
    }

    static final Map<String, Body> CASES = new LinkedHashMap<>();

    static {
        CASES.put("P-001", e -> {
            JsonNode big = Json.parse("{\"s\":\"héllo ✓ \\u0000 \\\"q\\\"\",\"i\":42,\"neg\":-7,\"big\":9007199254740991,\"f\":1.5,\"t\":true,\"n\":null,\"a\":[1,\"two\",[],{}],\"o\":{\"x\":{\"y\":[false]}}}");
            eq(big, e.call("echo", big), "echo");
            for (String v : List.of("\"\"", "0", "-1", "[]", "{}", "\"x\"")) eq(Json.parse(v), e.call("echo", Json.parse(v)), "echo " + v);
        });
        CASES.put("P-002", e -> {
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) all[i] = (byte) i;
            Value v = e.value(e.s.call("echo", new Value(CODEC_RAW, all)), "echo raw");
            if (v.codec() != CODEC_RAW || !java.util.Arrays.equals(all, v.body())) throw new Fail("raw echo differs");
        });
        CASES.put("P-003", e -> {
            Value v = e.value(e.s.call("echo", new Value(0, new byte[0])), "echo empty");
            if (v.body().length != 0) throw new Fail("expected no value, got " + v.body().length + " bytes");
        });
        CASES.put("P-004", e -> {
            if (!e.s.peerListed("codecs", "fake-native")) throw new Skip("fake-native not offered by server");
            byte[] b = "native value".getBytes(StandardCharsets.UTF_8);
            Value v = e.value(e.s.call("echo", new Value(FakeSession.CODEC_FAKE_NATIVE, b)), "echo native");
            if (!java.util.Arrays.equals(b, v.body())) throw new Fail("native echo differs");
        });
        CASES.put("P-005", e -> {
            if (!e.s.peerListed("compression", "deflate")) throw new Fail("server does not list deflate");
            String a = "a".repeat(65536);
            Value v = e.value(e.s.newCall("echo", Value.json(a), 0, COMP_DEFLATE, null, null).result, "echo deflate");
            eq(a, v.json(), "echo deflate");
        });
        CASES.put("P-006", e -> {
            throw new Skip("zstd not available in driver (the fake peer has no zstd)");
        });
        CASES.put("P-007", e -> {
            ArrayNode a = Json.arr();
            for (int i = 1; i <= 100; i++) a.add(i);
            eq(5050, e.call("sum", a), "sum 1..100");
            eq(Json.parse("9007199254740991"), e.call("sum", Json.parse("[9007199254740000, 991]")), "sum big");
            eq(0, e.call("sum", Json.arr()), "sum []");
        });
        CASES.put("P-008", e -> {
            List<CompletableFuture<Value>> fs = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) fs.add(e.s.call("echo", Value.json(Json.obj().put("i", i))));
            for (int i = 1; i <= 1000; i++) eq(Json.obj().put("i", i), e.value(fs.get(i - 1), "call " + i).json(), "call " + i);
        });
        CASES.put("P-009", e -> {
            List<JsonNode> got = Collections.synchronizedList(new ArrayList<>());
            Value v = e.value(e.s.newCall("progress", Value.json(Json.obj().put("n", 10)), 0, -1, got::add, null).result, "progress");
            eq(10, v.json(), "progress result");
            if (got.size() != 10) throw new Fail("expected 10 progress values before the result, got " + got.size());
            for (int i = 1; i <= 10; i++) eq(Json.obj().put("progress", i).put("total", 10), got.get(i - 1), "progress " + i);
        });
        CASES.put("P-010", e -> eq(5, e.call("progress", Json.obj().put("n", 5)), "progress result"));
        CASES.put("P-011", e -> {
            List<JsonNode> got = Collections.synchronizedList(new ArrayList<>());
            e.s.notificationHandlers.put("conf/note", got::add);
            eq(100, e.call("notify-back", Json.obj().put("n", 100).put("method", "conf/note")), "notify-back");
            if (got.size() != 100) throw new Fail("expected 100 notifications when the call returned, got " + got.size());
            for (int i = 1; i <= 100; i++) eq(Json.obj().put("i", i), got.get(i - 1), "notification " + i);
        });
        CASES.put("P-012", e -> {
            ArrayNode want = Json.arr();
            for (int i = 1; i <= 100; i++) {
                e.s.notify("conf/to-server", Json.obj().put("i", i));
                want.add(Json.obj().put("i", i));
            }
            eq(want, e.call("notes", Json.obj().put("method", "conf/to-server")), "notes");
        });
        CASES.put("P-013", e -> {
            JsonNode p = Json.parse("{\"from\":\"driver\",\"k\":[1,2]}");
            eq(p, e.call("callback", Json.obj().put("method", "echo").set("params", p)), "callback");
        });
        CASES.put("P-014", e -> {
            PeerError pe = e.error(e.s.call("callback", Value.json(Json.parse("{\"method\":\"fail\",\"params\":{\"code\":4001,\"message\":\"nested failure\"}}"))), "callback fail", 20);
            code(pe, "callback fail", 4001);
            if (!"nested failure".equals(pe.getMessage())) throw new Fail("message: " + pe.getMessage());
        });
        CASES.put("P-015", e -> eq("deep", e.call("callback", Json.parse("{\"method\":\"callback\",\"params\":{\"method\":\"echo\",\"params\":\"deep\"}}")), "nested"));
        CASES.put("P-016", e -> {
            List<CompletableFuture<Value>> fs = new ArrayList<>();
            for (int i = 1; i <= 100; i++) fs.add(e.s.call("callback", Value.json(Json.obj().put("method", "echo").put("params", i))));
            for (int i = 1; i <= 100; i++) eq(i, e.value(fs.get(i - 1), "callback " + i).json(), "callback " + i);
        });
        CASES.put("P-017", e -> {
            long base = e.stats().path("cancelled").asLong();
            FakeSession.Call c = e.s.newCall("wait-for-cancel", Value.json(Json.obj()), 0, -1, null, null);
            Thread.sleep(200);
            c.cancel();
            code(e.error(c.result, "wait-for-cancel", 5), "cancelled call", CANCELLED);
            e.awaitStats("expected in_flight 0 and cancelled " + (base + 1), st -> st.path("in_flight").asLong() == 0 && st.path("cancelled").asLong() == base + 1);
        });
        CASES.put("P-018", e -> {
            List<FakeSession.Call> cs = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                FakeSession.Call c = e.s.newCall("echo", Value.json(Json.obj().put("i", i)), 0, -1, null, null);
                c.cancel();
                cs.add(c);
            }
            for (FakeSession.Call c : cs) {
                try {
                    c.result.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException x) {
                    // cancelled: fine
                }
            }
            eq("alive", e.call("echo", "alive"), "echo after races");
            e.awaitStats("expected in_flight 0", st -> st.path("in_flight").asLong() == 0);
        });
        CASES.put("P-019", e -> {
            JsonNode b = e.stats();
            long base = b.path("cancelled").asLong() + b.path("deadline_exceeded").asLong();
            FakeSession.Call c = e.s.newCall("sleep", Value.json(Json.obj().put("ms", 5000)), 300, -1, null, null);
            code(e.error(c.result, "sleep with deadline", 3), "deadline", DEADLINE_EXCEEDED);
            e.awaitStats("expected in_flight 0 and cancelled+deadline_exceeded " + (base + 1),
                    st -> st.path("in_flight").asLong() == 0 && st.path("cancelled").asLong() + st.path("deadline_exceeded").asLong() == base + 1);
        });
        CASES.put("P-020", e -> eq("slept", e.value(e.s.newCall("sleep", Value.json(Json.obj().put("ms", 50)), 10_000, -1, null, null).result, "sleep").json(), "sleep"));
        CASES.put("P-021", e -> {
            Object[][] cs = {{4001, "custom"}, {1, "one"}, {-32602, "bad params"}, {-32000, "server range"}, {-33050, "reserved future"}};
            for (Object[] c : cs) {
                PeerError pe = e.error(e.s.call("fail", Value.json(Json.obj().put("code", (Integer) c[0]).put("message", (String) c[1]))), "fail " + c[0], 20);
                code(pe, "fail", (Integer) c[0]);
                if (!c[1].equals(pe.getMessage())) throw new Fail("message " + pe.getMessage() + " != " + c[1]);
            }
        });
        CASES.put("P-022", e -> {
            code(e.error(e.s.call("no-such-method", Value.json(Json.obj())), "no-such-method", 20), "no-such-method", METHOD_NOT_FOUND);
            code(e.error(e.s.call("$/conformance-unknown", Value.json(Json.obj())), "$/", 20), "$/conformance-unknown", METHOD_NOT_FOUND);
            e.s.notify("$/conformance-unknown", Json.obj());
            e.s.notify("conf/unhandled", Json.obj());
            eq("still here", e.call("echo", "still here"), "echo");
        });
        CASES.put("P-023", e -> {
            String x = "x".repeat(3 * 1_048_576);
            eq(x, e.value(e.s.newCall("echo", Value.json(x), 0, 0, null, null).result, "echo 3 MiB").json(), "echo 3 MiB");
        });
        CASES.put("P-024", e -> {
            byte[] b = new byte[64 << 20];
            for (int k = 0; k < b.length; k++) b[k] = (byte) (k * 31 + 7);
            Value v = e.value(e.s.newCall("big-echo", new Value(CODEC_RAW, b), 0, 0, null, null).result, "big-echo");
            MessageDigest d1 = MessageDigest.getInstance("SHA-256"), d2 = MessageDigest.getInstance("SHA-256");
            if (v.body().length != b.length || !MessageDigest.isEqual(d1.digest(b), d2.digest(v.body()))) throw new Fail("64 MiB echo differs");
        });
        CASES.put("P-025", e -> {
            eq("ok", e.call("print-stray", Json.obj().put("text", "parley-stray-check\n")), "print-stray");
            eq("after stray", e.call("echo", "after stray"), "echo");
            String got;
            synchronized (e.s.strayBytes) {
                got = e.s.strayBytes.toString(StandardCharsets.UTF_8);
            }
            if (!got.equals("parley-stray-check\n")) throw new Fail("stray listener saw " + Json.text(got));
        });
        CASES.put("P-026", e -> {
            eq("ok", e.call("print-echo", Json.obj().put("text", "parley-echo-check")), "print-echo");
            eq("after echo", e.call("echo", "after echo"), "echo");
        });
        CASES.put("P-027", e -> {
            CompletableFuture<Value> sl = e.s.call("sleep", Value.json(Json.obj().put("ms", 300)));
            e.s.goodbye("P-027");
            code(e.error(e.s.call("echo", Value.json("x")), "call after close", 5), "call after close", SHUTTING_DOWN, SESSION_CLOSED);
            eq("slept", e.value(sl, "sleep").json(), "sleep during drain");
            String r = e.s.closedFuture.get(5, TimeUnit.SECONDS);
            if (!r.equals("closed")) throw new Fail("session ended with: " + r);
            if (e.child != null && (!e.child.waitFor(5, TimeUnit.SECONDS) || e.child.exitValue() != 0)) throw new Fail("child did not exit 0");
        });
        CASES.put("P-028", e -> {
            eq("bye", e.call("shutdown", Json.obj()), "shutdown");
            String r = e.s.closedFuture.get(5, TimeUnit.SECONDS);
            if (!r.equals("closed")) throw new Fail("session ended with: " + r);
            code(e.error(e.s.call("echo", Value.json("x")), "call after shutdown", 5), "call after shutdown", SHUTTING_DOWN, SESSION_CLOSED);
            if (e.child != null && (!e.child.waitFor(5, TimeUnit.SECONDS) || e.child.exitValue() != 0)) throw new Fail("child did not exit 0");
        });
        CASES.put("P-029", e -> {
            CompletableFuture<Value> sl = e.s.call("sleep", Value.json(Json.obj().put("ms", 10000)));
            CompletableFuture<Value> cr = e.s.call("crash", Value.json(Json.obj().put("exit", 3)));
            PeerError a = e.error(sl, "sleep during crash", 10), b = e.error(cr, "crash", 10);
            code(a, "sleep", PEER_GONE);
            code(b, "crash", PEER_GONE);
            if (e.child != null && !(b.getMessage().contains("3") && b.getMessage().contains("crashing on purpose"))) throw new Fail("reason lacks exit status / stderr: " + b.getMessage());
            code(e.error(e.s.call("echo", Value.json("x")), "after crash", 5), "after crash", SESSION_CLOSED);
        });
    }

    static int run(Options o) throws Exception {
        List<String> ids = o.cases != null ? List.of(o.cases.split(",")) : PairCase.all().stream().map(PairCase::id).toList();
        Map<String, Integer> bounds = new LinkedHashMap<>();
        for (PairCase c : PairCase.all()) bounds.put(c.id(), c.bound());
        ArrayNode results = Json.arr();
        String serverName = "?";
        for (String id : ids) {
            ObjectNode r = results.addObject().put("id", id).put("title", id).put("section", "");
            long t0 = System.nanoTime();
            Body body = CASES.get(id);
            if (body == null) {
                r.put("status", "fail").put("detail", "unknown case");
                continue;
            }
            Env env = new Env();
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                open(env, o);
                if (env.s.peerHello() != null) serverName = env.s.peerHello().path("peer").asText();
                Future<?> f = ex.submit(() -> {
                    body.run(env);
                    return null;
                });
                int bound = bounds.getOrDefault(id, 30);
                try {
                    f.get(bound, TimeUnit.SECONDS);
                    try {
                        close(env);
                        r.put("status", "pass").put("detail", "");
                    } catch (Fail cf) {
                        r.put("status", "fail").put("detail", cf.getMessage());
                    }
                } catch (TimeoutException te) {
                    f.cancel(true);
                    r.put("status", "fail").put("detail", "timed out after " + bound + " s");
                } catch (ExecutionException ee) {
                    Throwable c = ee.getCause();
                    if (c instanceof Skip sk) r.put("status", "skip").put("detail", sk.getMessage());
                    else r.put("status", "fail").put("detail", String.valueOf(c.getMessage() == null ? c : c.getMessage()));
                }
            } catch (Exception e) {
                r.put("status", "fail").put("detail", "could not open a session: " + e);
            } finally {
                ex.shutdownNow();
                if (env.child != null) {
                    if (!env.child.waitFor(2, TimeUnit.SECONDS)) env.child.destroyForcibly();
                }
                r.put("ms", (System.nanoTime() - t0) / 1_000_000);
            }
        }
        ObjectNode rep = Json.obj().put("impl", "fake").put("transport", o.transport).put("server", serverName);
        rep.set("cases", results);
        Files.write(Path.of(o.report), Json.M.writerWithDefaultPrettyPrinter().writeValueAsBytes(rep));
        return 0;
    }

    private static void open(Env e, Options o) throws Exception {
        Options so = o.copy();
        so.bugs.removeIf(b -> !b.startsWith("driver-"));
        e.transport = o.transport;
        if (o.transport.equals("stdio")) {
            Process p = new ProcessBuilder(CommandLine.split(o.server)).start();
            e.child = p;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (e.stderr) {
                            e.stderr.addLast(line);
                            while (e.stderr.size() > 50) e.stderr.removeFirst();
                        }
                    }
                } catch (IOException ignored) {
                    // gone
                }
            });
            t.setDaemon(true);
            t.start();
            e.s = new FakeSession(p.getInputStream(), p.getOutputStream(), () -> {
                try {
                    p.getOutputStream().close();
                } catch (IOException ignored) {
                    // gone
                }
            }, so, true);
            e.s.goneReason = () -> {
                try {
                    if (p.waitFor(1, TimeUnit.SECONDS)) return "; child exit status " + p.exitValue() + "; stderr: " + e.stderrTail();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                return "";
            };
        } else {
            SocketChannel ch;
            if (o.transport.equals("unix")) {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(o.connect));
            } else {
                int c = o.connect.lastIndexOf(':');
                ch = SocketChannel.open(new java.net.InetSocketAddress(o.connect.substring(0, c), Integer.parseInt(o.connect.substring(c + 1))));
            }
            e.s = new FakeSession(FakePeer.in(ch), FakePeer.out(ch), () -> {
                try {
                    ch.shutdownOutput();
                } catch (IOException ignored) {
                    // gone
                }
            }, so, true);
        }
        FakeService.install(e.s, () -> { });
        Thread reader = new Thread(e.s::run, "fake-driver-session");
        reader.setDaemon(true);
        reader.start();
        try {
            e.s.handshake.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException te) {
            throw new IOException("no handshake within 10 s" + (e.child != null ? "; stderr: " + e.stderrTail() : ""));
        }
        if (e.s.isClosed()) throw new IOException("session closed during the handshake: " + e.s.closedFuture.getNow(""));
    }

    private static void close(Env e) throws Exception {
        if (e.s.isClosed()) return;
        e.s.goodbye("case done");
        try {
            String r = e.s.closedFuture.get(5, TimeUnit.SECONDS);
            if (!r.equals("closed")) throw new Fail("close: session ended with " + r);
        } catch (TimeoutException te) {
            throw new Fail("close: the session did not close within 5 s after GOODBYE");
        }
    }
}
