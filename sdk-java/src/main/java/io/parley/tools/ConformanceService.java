package io.parley.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallContext;
import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.ParleyException;
import io.parley.Payload;
import io.parley.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conformance service of conformance-tests/PEER-CONTRACT.md: every method a serving peer
 * answers, exactly as specified. Also handy as a test fixture.
 */
public final class ConformanceService {
    private ConformanceService() {
    }

    /** Handlers for every method; {@code onShutdown} runs after {@code shutdown} has answered. */
    public static Handlers handlers(Runnable onShutdown) {
        return new Handlers()
                .onRequest("echo", Payload.class, (p, ctx) -> p)
                .onRequest("sum", long[].class, (xs, ctx) -> {
                    long total = 0;
                    for (long x : xs == null ? new long[0] : xs) {
                        total = Math.addExact(total, x);
                    }
                    return total;
                })
                .onRequest("sleep", JsonNode.class, (p, ctx) -> {
                    ctx.sleep(Duration.ofMillis(intParam(p, "ms")));
                    return "slept";
                })
                .onRequest("progress", JsonNode.class, (p, ctx) -> {
                    int n = intParam(p, "n");
                    if (ctx.wantsProgress()) {
                        for (int i = 1; i <= n; i++) {
                            Map<String, Object> value = new LinkedHashMap<>();
                            value.put("progress", i);
                            value.put("total", n);
                            ctx.progress(value);
                        }
                    }
                    return n;
                })
                .onRequest("notify-back", JsonNode.class, (p, ctx) -> {
                    int n = intParam(p, "n");
                    String method = textParam(p, "method");
                    for (int i = 1; i <= n; i++) {
                        ctx.session().notify(method, Map.of("i", i));
                    }
                    return n;
                })
                .onRequest("fail", JsonNode.class, (p, ctx) -> {
                    throw new ParleyException(intParam(p, "code"), textParam(p, "message"));
                })
                .onRequest("callback", JsonNode.class, (p, ctx) -> {
                    JsonNode params = p.get("params");
                    return ctx.session().call(textParam(p, "method"), params == null || params.isNull() ? null : params,
                            Payload.class, callbackOptions(ctx));
                })
                .onRequest("big-echo", Payload.class, (p, ctx) -> p == null ? new byte[0] : p.bytes())
                .onRequest("wait-for-cancel", JsonNode.class, (p, ctx) -> {
                    ctx.sleep(Duration.ofSeconds(30));
                    return "not-cancelled";
                })
                .onRequest("print-stray", JsonNode.class, (p, ctx) -> {
                    ctx.session().sendStrayBytes(textParam(p, "text").getBytes(StandardCharsets.UTF_8));
                    return "ok";
                })
                .onRequest("print-echo", JsonNode.class, (p, ctx) -> {
                    // In stdio mode System.out goes to stderr: the runtime captures what an application prints.
                    System.out.print(textParam(p, "text"));
                    System.out.flush();
                    return "ok";
                })
                .onRequest("crash", JsonNode.class, (p, ctx) -> {
                    System.err.println("crashing on purpose");
                    System.err.flush();
                    Runtime.getRuntime().halt(intParam(p, "exit"));
                    return null;
                })
                .onRequest("shutdown", JsonNode.class, (p, ctx) -> {
                    Session s = ctx.session();
                    Thread.ofVirtual().name("parley-shutdown").start(() -> {
                        onShutdown.run();
                        s.close();
                    });
                    return "bye";
                })
                .onRequest("stats", JsonNode.class, (p, ctx) -> {
                    Map<String, Object> stats = new LinkedHashMap<>();
                    stats.put("in_flight", Math.max(0, ctx.session().inFlight() - 1)); // not counting this call
                    stats.put("handled", ctx.session().handled());
                    return stats;
                });
    }

    private static CallOptions callbackOptions(CallContext ctx) {
        Duration left = ctx.remaining();
        return left == null ? CallOptions.none() : CallOptions.timeout(left);
    }

    private static int intParam(JsonNode p, String name) {
        JsonNode n = p == null ? null : p.get(name);
        if (n == null || !n.canConvertToInt()) {
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
