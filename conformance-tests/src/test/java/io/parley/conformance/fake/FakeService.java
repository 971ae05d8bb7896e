package io.parley.conformance.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.parley.conformance.fake.FakeSession.PeerError;
import io.parley.conformance.fake.FakeSession.Value;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Wire;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** The conformance service of PEER-CONTRACT.md, for the fake peer (both roles serve it). */
final class FakeService {
    private FakeService() {}

    static void install(FakeSession s, Runnable stopListening) {
        var h = s.handlers;
        h.put("echo", (c, p) -> p);
        h.put("big-echo", (c, p) -> p);
        h.put("sum", (c, p) -> {
            BigInteger sum = BigInteger.ZERO;
            for (JsonNode n : p.json()) sum = sum.add(n.bigIntegerValue());
            return Value.json(Json.M.getNodeFactory().numberNode(sum));
        });
        h.put("sleep", (c, p) -> {
            long end = System.nanoTime() + p.json().path("ms").asLong() * 1_000_000L;
            while (System.nanoTime() < end) {
                c.checkStopped();
                Thread.sleep(5);
            }
            return Value.json("slept");
        });
        h.put("progress", (c, p) -> {
            int n = p.json().path("n").asInt();
            for (int i = 1; i <= n; i++) c.progress(Json.obj().put("progress", i).put("total", n));
            return Value.json(n);
        });
        h.put("notify-back", (c, p) -> {
            int n = p.json().path("n").asInt();
            String m = p.json().path("method").asText();
            for (int i = 1; i <= n; i++) s.notify(m, Json.obj().put("i", i));
            return Value.json(n);
        });
        h.put("fail", (c, p) -> {
            throw new PeerError(p.json().path("code").asInt(), p.json().path("message").asText());
        });
        h.put("callback", (c, p) -> {
            JsonNode a = p.json();
            JsonNode params = a.get("params");
            try {
                return s.call(a.path("method").asText(), Value.json(params)).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof PeerError pe) throw pe;
                throw e;
            }
        });
        h.put("wait-for-cancel", (c, p) -> {
            long end = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < end) {
                c.checkStopped();
                Thread.sleep(5);
            }
            return Value.json("not-cancelled");
        });
        h.put("print-stray", (c, p) -> {
            s.writeRaw(p.json().path("text").asText().getBytes(StandardCharsets.UTF_8));
            return Value.json("ok");
        });
        h.put("print-echo", (c, p) -> {
            System.err.print(p.json().path("text").asText());
            return Value.json("ok");
        });
        h.put("crash", (c, p) -> {
            System.err.println("crashing on purpose");
            System.err.flush();
            Runtime.getRuntime().halt(p.json().path("exit").asInt());
            return null;
        });
        h.put("shutdown", (c, p) -> {
            daemonThread(() -> {
                while (!c.answered.get()) Thread.onSpinWait();
                s.goodbye("shutdown requested");
                stopListening.run();
            });
            return Value.json("bye");
        });
        h.put("stats", (c, p) -> Value.json(Json.obj().put("in_flight", s.inFlight() - 1).put("handled", s.handled.get())
                .put("cancelled", s.cancelledCount.get()).put("deadline_exceeded", s.deadlineCount.get())));
        h.put("notes", (c, p) -> {
            ArrayNode a = Json.arr();
            List<JsonNode> l = s.notes.get(p.json().path("method").asText());
            if (l != null) synchronized (l) {
                a.addAll(l);
            }
            if (s.bugs.contains("die-after-notes")) {
                // a listening server must survive every session; this one dies 20 ms after notes
                daemonThread(() -> {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                    Runtime.getRuntime().halt(5);
                });
            }
            return Value.json(a);
        });
        if (s.bugs.contains("no-method-not-found")) h.put("no-such-method", (c, p) -> Value.json("oops"));
        if (s.bugs.contains("wrong-sum")) h.put("sum", (c, p) -> Value.json(42));
        if (s.bugs.contains("raw-echo-as-json")) h.put("echo", (c, p) -> p.codec() == Wire.CODEC_RAW ? Value.json("raw") : p);
    }

    /** Starts {@code body} on a daemon platform thread (the suite compiles with --release 17). */
    private static Thread daemonThread(Runnable body) {
        Thread t = new Thread(body);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
