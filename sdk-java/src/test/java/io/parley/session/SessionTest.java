package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.DeadlineExceededException;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.RemoteException;
import io.parley.SessionClosedException;
import io.parley.TypeRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every message kind, in both directions, over every transport (a child JVM for stdio). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionTest {
    private final List<JsonNode> notes = new CopyOnWriteArrayList<>();

    private Handlers clientHandlers() {
        return new Handlers()
                .onNotification("note", JsonNode.class, (p, s) -> notes.add(p))
                .onRequest("client-sum", long[].class, (xs, ctx) -> {
                    // nested: the server called us, and we call the server back before answering
                    return ctx.session().call("sum", xs, Long.class) * 10;
                })
                .onRequest("client-fail", JsonNode.class, (p, ctx) -> {
                    throw new io.parley.ParleyException(42, "client says no");
                });
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void requestsResponsesAndErrors(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, clientHandlers())) {
            assertThat(link.client.call("sum", List.of(1, 2, 3, 4), Long.class)).isEqualTo(10L);
            assertThat(link.client.call("echo", Map.of("a", List.of(1, 2.5, "x")), new TypeRef<Map<String, Object>>() {
            }, CallOptions.none())).isEqualTo(Map.of("a", List.of(1, 2.5, "x")));
            byte[] raw = {0, 1, 2, (byte) 0xFA, 'P', 'R', 'L'};
            assertThat(link.client.call("echo", raw, byte[].class)).isEqualTo(raw);
            assertThat(link.client.call("echo", null, Object.class)).isNull();

            assertThatThrownBy(() -> link.client.call("fail", Map.of("code", 7, "message", "seven"), Object.class))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(7);
                        assertThat(e.errorMessage()).isEqualTo("seven");
                    });
            assertThatThrownBy(() -> link.client.call("nope", null, Object.class))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code()));
            assertThatThrownBy(() -> link.client.call("$/nope", null, Object.class))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code()));
            assertThatThrownBy(() -> link.client.call("sum", "not an array", Object.class))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code()));
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void chunkedAndCompressedBodiesLargerThanAFrame(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, clientHandlers())) {
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            new Random(1).nextBytes(big);
            assertThat(link.client.call("big-echo", Payload.raw(big), byte[].class)).isEqualTo(big);
            // compressible JSON: goes out zstd-compressed above the threshold
            List<Integer> many = new ArrayList<>(Collections.nCopies(200_000, 7));
            assertThat(link.client.call("sum", many, Long.class)).isEqualTo(1_400_000L);
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void notificationsProgressAndNestedCallsBothWays(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, clientHandlers())) {
            assertThat(link.client.call("notify-back", Map.of("n", 50, "method", "note"), Integer.class)).isEqualTo(50);
            await().atMost(Duration.ofSeconds(10)).until(() -> notes.size() == 50);
            for (int i = 0; i < 50; i++) {
                assertThat(notes.get(i).get("i").asInt()).isEqualTo(i + 1);
            }

            List<Integer> progress = new CopyOnWriteArrayList<>();
            Integer n = link.client.call("progress", Map.of("n", 20), Integer.class,
                    CallOptions.none().withProgress(p -> progress.add(p.as(JsonNode.class).get("progress").asInt())));
            assertThat(n).isEqualTo(20);
            // progress is delivered in order and before the result
            assertThat(progress).hasSize(20).isSorted();

            // the server calls the client, whose handler calls the server again and waits
            Payload r = link.client.call("callback", Map.of("method", "client-sum", "params", List.of(1, 2)), Payload.class);
            assertThat(r.as(Long.class)).isEqualTo(30L);
            assertThatThrownBy(() -> link.client.call("callback", Map.of("method", "client-fail", "params", Map.of()), Object.class))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(42);
                        assertThat(e.errorMessage()).isEqualTo("client says no");
                    });
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void manyCallsInFlightAnsweredOutOfOrder(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, clientHandlers())) {
            List<CallFuture<String>> sleeps = new ArrayList<>();
            List<CallFuture<Long>> sums = new ArrayList<>();
            Random rnd = new Random(7);
            for (int i = 0; i < 100; i++) {
                sleeps.add(link.client.callAsync("sleep", Map.of("ms", 100 - i), String.class));
                sums.add(link.client.callAsync("sum", List.of(i, rnd.nextInt(1000)), Long.class));
            }
            for (CallFuture<String> f : sleeps) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo("slept");
            }
            for (CallFuture<Long> f : sums) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isNotNull();
            }
            // the earliest-sent sleep (100 ms) finished after later, shorter ones: replies came out of order
            assertThat(link.client.outstanding()).isZero();
            // the client sent HELLO and 200 requests; frames sent concurrently share writes, never the reverse
            assertThat(link.clientTap.writes()).isBetween(1L, 1L + 200);
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void cancelViaTheFutureReachesTheHandler(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, clientHandlers())) {
            CallFuture<String> f = link.client.callAsync("wait-for-cancel", Map.of(), String.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> link.client.call("stats", Map.of(), JsonNode.class).get("in_flight").asInt() == 1);
            assertThat(f.cancel(true)).isTrue();
            assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            // the server stopped the handler and answered CANCELLED, which the client discarded
            await().atMost(Duration.ofSeconds(10)).until(() -> link.client.outstanding() == 0);
            JsonNode stats = link.client.call("stats", Map.of(), JsonNode.class);
            assertThat(stats.get("in_flight").asInt()).isZero();
            assertThat(f.isCancelled()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void deadlinesFailLocallyAndReachTheHandler(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, clientHandlers())) {
            assertThatThrownBy(() -> link.client.call("sleep", Map.of("ms", 20_000), String.class,
                    CallOptions.timeout(Duration.ofMillis(300)))).isInstanceOf(DeadlineExceededException.class);
            CallFuture<String> f = link.client.callAsync("sleep", Map.of("ms", 20_000), String.class,
                    CallOptions.timeout(Duration.ofMillis(200)));
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(DeadlineExceededException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> link.client.outstanding() == 0);
            // a handler that finishes before the deadline is unaffected
            assertThat(link.client.call("sleep", Map.of("ms", 10), String.class, CallOptions.timeout(Duration.ofSeconds(10))))
                    .isEqualTo("slept");
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void strayBytesAreReportedAndSkipped(Link.Kind kind) throws Exception {
        List<String> strays = new CopyOnWriteArrayList<>();
        try (Link link = Link.open(kind, clientHandlers(),
                b -> b.onStray((count, first) -> strays.add(new String(first, java.nio.charset.StandardCharsets.UTF_8))), b -> b)) {
            assertThat(link.client.call("print-stray", Map.of("text", "Warning: junk\n"), String.class)).isEqualTo("ok");
            assertThat(link.client.call("sum", List.of(2, 2), Long.class)).isEqualTo(4L);
            await().atMost(Duration.ofSeconds(5)).until(() -> String.join("", strays).equals("Warning: junk\n"));
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void gracefulGoodbyeFinishesInFlightCallsThenRefusesNewOnes(Link.Kind kind) throws Exception {
        Link link = Link.open(kind, clientHandlers());
        CallFuture<String> slow = link.client.callAsync("sleep", Map.of("ms", 300), String.class);
        link.client.close();
        assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slept");
        assertThat(link.client.closeFuture().get(5, TimeUnit.SECONDS)).isNull();
        assertThatThrownBy(() -> link.client.call("sum", List.of(1), Long.class)).isInstanceOf(SessionClosedException.class);
        link.client.close(); // idempotent
        link.close();
    }
}
