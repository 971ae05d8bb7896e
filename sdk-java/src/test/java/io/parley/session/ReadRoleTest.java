package io.parley.session;

import io.parley.testutil.TestThreads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallFuture;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.ParleyException;
import io.parley.Payload;
import io.parley.testutil.TestService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session reads on whichever thread can (a blocking caller, or a worker that then runs the
 * handler of the request it read). These are the guarantees that must survive that: a handler may
 * block on anything, compute for long, call back and wait; many callers on platform and virtual
 * threads; interrupts; large transfers both ways at once. Behaviour only, no timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadRoleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The conformance service plus methods that block or compute until the peer sends something else. */
    private static Handlers serverHandlers(CountDownLatch noted, AtomicBoolean flag) {
        return TestService.handlers(() -> { })
                .onNotification("note", JsonNode.class, (p, s) -> noted.countDown())
                .onRequest("wait-for-note", JsonNode.class, (p, ctx) -> {
                    // blocks on something only a later frame releases: not a known SDK wait
                    noted.await();
                    return "noted";
                })
                .onRequest("spin-until-flag", JsonNode.class, (p, ctx) -> {
                    while (!flag.get()) {
                        Thread.onSpinWait(); // computes: never yields its thread
                    }
                    return "flagged";
                })
                .onRequest("set-flag", JsonNode.class, (p, ctx) -> {
                    flag.set(true);
                    return "set";
                })
                .onRequest("self-interrupt", JsonNode.class, (p, ctx) -> {
                    Thread.currentThread().interrupt();
                    return "interrupted myself";
                });
    }

    private static Link open(Link.Kind kind, CountDownLatch noted, AtomicBoolean flag) throws Exception {
        return Link.open(kind, new Handlers(), b -> b, b -> b.handlers(serverHandlers(noted, flag)));
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY", "UNIX", "TCP"})
    void aHandlerBlockedUntilTheNextFrameDoesNotStallTheInput(Link.Kind kind) throws Exception {
        CountDownLatch noted = new CountDownLatch(1);
        try (Link link = open(kind, noted, new AtomicBoolean())) {
            CallFuture<String> waiting = link.client.callAsync("wait-for-note", Map.of(), String.class);
            await().atMost(WAIT).until(() -> link.server.inFlight() == 1);
            link.client.notify("note", Map.of());
            assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo("noted");
            // and a blocking call while nothing else is pending
            assertThat(link.client.call("sum", List.of(1, 2), Long.class)).isEqualTo(3L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY", "UNIX", "TCP"})
    void aHandlerThatComputesDoesNotHoldUpOtherRequests(Link.Kind kind) throws Exception {
        AtomicBoolean flag = new AtomicBoolean();
        try (Link link = open(kind, new CountDownLatch(1), flag)) {
            CallFuture<String> spinning = link.client.callAsync("spin-until-flag", Map.of(), String.class);
            await().atMost(WAIT).until(() -> link.server.inFlight() == 1);
            // answered while the spinning handler still runs: another thread read and ran it
            assertThat(link.client.call("set-flag", Map.of(), String.class)).isEqualTo("set");
            assertThat(spinning.get(20, TimeUnit.SECONDS)).isEqualTo("flagged");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY", "UNIX", "TCP"})
    void aHandlerThatInterruptsItsOwnThreadDoesNotBreakTheSession(Link.Kind kind) throws Exception {
        try (Link link = open(kind, new CountDownLatch(1), new AtomicBoolean())) {
            for (int i = 0; i < 20; i++) {
                assertThat(link.client.call("self-interrupt", Map.of(), String.class)).isEqualTo("interrupted myself");
                assertThat(link.client.call("sum", List.of(i, 1), Long.class)).isEqualTo(i + 1L);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void manyBlockingCallersOnPlatformAndVirtualThreads(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, new Handlers())) {
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < 12; t++) {
                int thread = t;
                Runnable body = () -> {
                    try {
                        for (int i = 0; i < 100; i++) {
                            String v = thread + ":" + i;
                            assertThat(link.client.call("echo", v, String.class)).isEqualTo(v);
                            if (i % 10 == 0) {
                                assertThat(link.client.call("sum", List.of(thread, i), Long.class)).isEqualTo((long) thread + i);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                };
                threads.add(t % 2 == 0 ? TestThreads.platform(body) : TestThreads.virtualIfAvailable(body));
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(40));
            }
            assertThat(failure.get()).isNull();
            assertThat(threads).noneMatch(Thread::isAlive);
            assertThat(link.client.outstanding()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void interruptingABlockedCallCancelsIt(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, new Handlers())) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = TestThreads.platform(() -> {
                try {
                    link.client.call("wait-for-cancel", Map.of(), String.class);
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            await().atMost(WAIT).until(() -> link.client.call("stats", Map.of(), JsonNode.class).get("in_flight").asInt() == 1);
            caller.interrupt();
            caller.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(caller.isAlive()).isFalse();
            assertThat(outcome.get()).isInstanceOfSatisfying(ParleyException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED.code()));
            // the peer got CANCEL: its handler stopped
            await().atMost(WAIT).until(() -> link.client.call("stats", Map.of(), JsonNode.class).get("in_flight").asInt() == 0);
            assertThat(link.client.call("sum", List.of(2, 3), Long.class)).isEqualTo(5L);
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Kind.class)
    void largeTransfersInBothDirectionsAtOnce(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, new Handlers())) {
            List<CompletableFuture<Boolean>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                byte[] big = new byte[(3 << 20) + t];
                new Random(t).nextBytes(big);
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                done.add(f);
                TestThreads.platform(() -> {
                    try {
                        boolean same = true;
                        for (int i = 0; i < 3; i++) {
                            Payload p = link.client.call("echo", Payload.raw(big), Payload.class);
                            same &= java.util.Arrays.equals(p.bytes(), big);
                        }
                        f.complete(same);
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
            }
            for (CompletableFuture<Boolean> f : done) {
                assertThat(f.get(40, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY", "UNIX"})
    void aCallWithADeadlineOnAQuietSessionStillTimesOut(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, new Handlers())) {
            assertThatThrownBy(() -> link.client.call("wait-for-cancel", Map.of(), String.class,
                    io.parley.CallOptions.timeout(Duration.ofMillis(200)))).isInstanceOf(io.parley.DeadlineExceededException.class);
            await().atMost(WAIT).until(() -> link.client.outstanding() == 0);
        }
    }
}
