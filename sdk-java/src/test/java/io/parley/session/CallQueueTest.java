package io.parley.session;

import io.parley.testutil.TestThreads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.DeadlineExceededException;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.OverloadedException;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.transport.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The caller side of the in-flight limit (SPEC §6.5): asynchronous calls over the peer's
 * max_in_flight wait in a bounded FIFO queue and are sent as earlier calls end; only a full queue
 * fails at once with OVERLOADED. A queued call that is cancelled or whose deadline passes is never
 * sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Methods the server received, in arrival order. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private Session client;
    private Session server;

    /** A client towards a server that serves one request at a time (max_in_flight 1). */
    private void open(UnaryOperator<Session.Builder> clientCfg) throws Exception {
        Handlers handlers = new Handlers()
                .onRequest("block", Object.class, (p, ctx) -> {
                    received.add("block");
                    release.await();
                    return "released";
                })
                .onRequest("echo", String.class, (p, ctx) -> {
                    received.add(p);
                    return p;
                });
        MemoryTransport[] pair = MemoryTransport.pair();
        CompletableFuture<Session> s = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(pair[1]).handlers(handlers).maxInFlight(1).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        client = clientCfg.apply(Session.builder(pair[0])).open();
        server = s.get(10, TimeUnit.SECONDS);
        assertThat(client.peer().maxInFlight()).isEqualTo(1);
    }

    @AfterEach
    void close() {
        release.countDown();
        if (client != null) {
            client.abort();
        }
        if (server != null) {
            server.abort();
        }
    }

    /** Occupies the peer's only slot until {@link #release} opens. */
    private CallFuture<String> occupy() {
        CallFuture<String> busy = client.callAsync("block", null, String.class);
        await().atMost(WAIT).until(() -> received.contains("block"));
        return busy;
    }

    @Test
    void callsOverTheLimitQueueAndAreSentInOrderAsSlotsFree() throws Exception {
        open(b -> b);
        CallFuture<String> busy = occupy();
        List<CallFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queued.add(client.callAsync("echo", "q" + i, String.class)); // no OverloadedException: they wait
        }
        assertThat(client.outstanding()).isEqualTo(21);
        assertThat(received).containsExactly("block"); // nothing queued was sent past the limit
        release.countDown();
        assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("released");
        for (int i = 0; i < 20; i++) {
            assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("q" + i);
        }
        List<String> expected = new ArrayList<>(List.of("block"));
        for (int i = 0; i < 20; i++) {
            expected.add("q" + i);
        }
        assertThat(received).containsExactlyElementsOf(expected); // FIFO
        assertThat(client.outstanding()).isZero();
    }

    @Test
    void aFullQueueFailsAtOnceWithOverloaded() throws Exception {
        open(b -> b.maxQueuedCalls(2));
        occupy();
        CallFuture<String> a = client.callAsync("echo", "a", String.class);
        CallFuture<String> b = client.callAsync("echo", "b", String.class);
        assertThatThrownBy(() -> client.callAsync("echo", "c", String.class))
                .isInstanceOfSatisfying(OverloadedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED.code()));
        release.countDown();
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(received).doesNotContain("c");
        // with the queue drained, calls go through again
        assertThat(client.call("echo", "d", String.class)).isEqualTo("d");
    }

    @Test
    void aQueuedCallThatIsCancelledOrTimesOutIsNeverSent() throws Exception {
        open(b -> b);
        occupy();
        CallFuture<String> cancelled = client.callAsync("echo", "cancelled", String.class);
        CallFuture<String> late = client.callAsync("echo", "late", String.class, CallOptions.timeout(Duration.ofMillis(100)));
        CallFuture<String> kept = client.callAsync("echo", "kept", String.class);
        assertThat(cancelled.cancel(true)).isTrue();
        assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);
        assertThatThrownBy(() -> cancelled.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        release.countDown();
        assertThat(kept.get(10, TimeUnit.SECONDS)).isEqualTo("kept");
        assertThat(received).containsExactly("block", "kept");
        await().atMost(WAIT).until(() -> client.outstanding() == 0);
    }

    @Test
    void blockingCallsWaitForASlotInTheSameQueue() throws Exception {
        open(b -> b);
        occupy();
        CallFuture<String> first = client.callAsync("echo", "first", String.class);
        CompletableFuture<String> blocking = new CompletableFuture<>();
        Thread caller = TestThreads.platform(() -> {
            try {
                blocking.complete(client.call("echo", "second", String.class));
            } catch (RuntimeException e) {
                blocking.completeExceptionally(e);
            }
        });
        // parked for a slot, behind "first" (timed: the session default timeout bounds the call)
        await().atMost(WAIT).until(() -> caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(received).containsExactly("block", "first", "second");
    }

    @Test
    void queuedCallsFailWithShuttingDownWhenTheSessionSaysGoodbye() throws Exception {
        open(b -> b.drainTimeout(Duration.ofSeconds(30)));
        CallFuture<String> busy = occupy();
        CallFuture<String> queued = client.callAsync("echo", "never", String.class);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close);
        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(SessionClosedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN.code()));
        release.countDown(); // the call in flight finishes: the drain completes
        assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("released");
        closing.get(10, TimeUnit.SECONDS);
        assertThat(client.closeFuture().get(10, TimeUnit.SECONDS)).isNull();
        assertThat(received).doesNotContain("never");
    }
}
