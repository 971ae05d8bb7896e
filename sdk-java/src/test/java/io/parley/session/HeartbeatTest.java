package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.CallFuture;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.testutil.RawPeer;
import io.parley.testutil.RawPeer.RawFrame;
import io.parley.transport.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heartbeats (SPEC §8.4): a session with {@code heartbeat_ms} PINGs a silent peer, keeps a peer
 * that answers, and declares a peer that stops answering dead with HEARTBEAT_TIMEOUT, failing
 * its pending calls at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeartbeatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Opens a session (initiator, heartbeat 100 ms) towards a raw peer that completes the handshake. */
    private static Session openAgainst(RawPeer peer, MemoryTransport side) throws Exception {
        CompletableFuture<Session> open = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(side).handlers(new Handlers()).heartbeat(Duration.ofMillis(100)).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        RawFrame hello = peer.next(WAIT);
        assertThat(hello.kind()).isEqualTo(RawPeer.HELLO);
        assertThat(hello.json().path("heartbeat_ms").asInt()).isEqualTo(100);
        peer.sendHello(RawPeer.hello());
        return open.get(10, TimeUnit.SECONDS);
    }

    @Test
    void peerThatStopsAnsweringPingsIsDeclaredDeadAndPendingCallsFailAtOnce() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = openAgainst(peer, pair[0]);
            CallFuture<Object> pending = s.callAsync("never-answered", null, Object.class);
            // the raw peer reads everything and answers nothing, not even PONG
            RawFrame request = peer.await(f -> f.kind() == RawPeer.REQUEST, WAIT);
            assertThat(request.method()).isEqualTo("never-answered");
            RawFrame ping = peer.await(f -> f.kind() == RawPeer.PING, WAIT);
            assertThat(ping.body().length).isLessThanOrEqualTo(64);

            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(SessionClosedException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT.code()));
            assertThat(s.closeFuture().get(10, TimeUnit.SECONDS)).isNotNull()
                    .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT.code()))
                    // durations as people write them: "250 ms", "1.2 s", never a bare number
                    .satisfies(e -> assertThat(e.getMessage()).matches("(?s).*no frame from the peer for \\d+(\\.\\d+)? m?s "
                            + "\\(heartbeat every 100 ms, timeout 200 ms\\); the peer is unresponsive.*"));
            assertThat(s.isOpen()).isFalse();
            assertThatThrownBy(() -> s.call("after", null, Object.class)).isInstanceOf(SessionClosedException.class);
            // a heartbeat timeout is local: no ERROR frame is sent (SPEC §7.2), the stream just ends
            List<RawFrame> rest = peer.awaitEnd(WAIT);
            assertThat(rest).noneMatch(f -> f.kind() == RawPeer.ERROR);
            s.close();
        }
    }

    @Test
    void peerThatAnswersPingsKeepsTheSessionAlive() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = openAgainst(peer, pair[0]);
            // Five PINGs answered in a row: more than two heartbeat intervals have passed with only PONGs
            // from the peer, so only the PONGs can have kept the session open.
            for (int i = 0; i < 5; i++) {
                RawFrame ping = peer.await(f -> f.kind() == RawPeer.PING, WAIT);
                peer.send(RawPeer.PONG, 0, ping.id(), null, 0, 0, ping.body());
            }
            assertThat(s.isOpen()).isTrue();
            assertThat(s.closeFuture()).isNotDone();
            s.abort();
        }
    }
}
