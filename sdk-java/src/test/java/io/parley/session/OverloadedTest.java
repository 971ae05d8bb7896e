package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.Handlers;
import io.parley.Session;
import io.parley.testutil.RawPeer;
import io.parley.testutil.RawPeer.RawFrame;
import io.parley.transport.MemoryTransport;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The receiver side of the in-flight limit (SPEC §6.5): a peer that ignores the announced
 * max_in_flight gets OVERLOADED for the requests above it, and the session goes on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OverloadedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void requestsOverMaxInFlightAreAnsweredOverloadedAndTheSessionContinues() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Handlers handlers = new Handlers()
                .onRequest("block", Object.class, (p, ctx) -> {
                    release.await();
                    return "released";
                })
                .onRequest("echo", Object.class, (p, ctx) -> p);
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[0])) {
            CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return Session.builder(pair[1]).handlers(handlers).maxInFlight(2).open();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            peer.sendHello(RawPeer.hello());
            RawFrame hello = peer.next(WAIT);
            assertThat(hello.kind()).isEqualTo(RawPeer.HELLO);
            assertThat(hello.json().path("max_in_flight").asInt()).isEqualTo(2);
            Session s = server.get(10, TimeUnit.SECONDS);

            // ignore the limit: three blocking requests and an echo, all at once
            peer.request(1, "block", "{}");
            peer.request(2, "block", "{}");
            peer.request(3, "block", "{}");
            peer.request(4, "echo", "\"over the limit\"");
            for (long id : new long[] {3, 4}) {
                RawFrame err = peer.await(f -> f.id() == id, WAIT);
                assertThat(err.kind()).as("answer to request %d", id).isEqualTo(RawPeer.ERROR);
                assertThat(err.json().path("code").asInt()).isEqualTo(-33005);
            }
            assertThat(s.isOpen()).isTrue();

            release.countDown();
            Set<Long> answered = new HashSet<>();
            while (answered.size() < 2) {
                RawFrame r = peer.await(f -> f.kind() == RawPeer.RESPONSE, WAIT);
                assertThat(r.json().asText()).isEqualTo("released");
                answered.add(r.id());
            }
            assertThat(answered).containsExactlyInAnyOrder(1L, 2L);

            // below the limit again: served normally
            peer.request(5, "echo", "\"back to normal\"");
            RawFrame ok = peer.await(f -> f.id() == 5, WAIT);
            assertThat(ok.kind()).isEqualTo(RawPeer.RESPONSE);
            assertThat(ok.json().asText()).isEqualTo("back to normal");
            s.abort();
        }
    }
}
