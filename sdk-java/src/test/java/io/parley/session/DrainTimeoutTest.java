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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §8.5 rule 5: draining after GOODBYE is bounded in time (Builder.drainTimeout); at the bound
 * the session closes abruptly, whichever side said goodbye first, and whatever is still pending
 * fails. The peer here is a raw peer that completes the handshake and then misbehaves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTimeoutTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration DRAIN = Duration.ofMillis(300);

    /** A session (initiator, short drain timeout) towards a raw peer that completed the handshake. */
    private static Session openAgainst(RawPeer peer, MemoryTransport side) throws Exception {
        return openAgainst(peer, side, DRAIN);
    }

    private static Session openAgainst(RawPeer peer, MemoryTransport side, Duration drain) throws Exception {
        CompletableFuture<Session> open = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(side).handlers(new Handlers()).drainTimeout(drain).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(peer.next(WAIT).kind()).isEqualTo(RawPeer.HELLO);
        peer.sendHello(RawPeer.hello());
        return open.get(10, TimeUnit.SECONDS);
    }

    private static void goodbye(RawPeer peer) throws Exception {
        peer.send(RawPeer.GOODBYE, 0, 0, null, 1, 0, "{\"reason\":\"test\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void peerThatSaysGoodbyeButNeverClosesItsSideIsClosedAtTheDrainTimeout() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = openAgainst(peer, pair[0]);
            goodbye(peer);
            // our side answers GOODBYE and, with nothing in flight, closes its sending side (end of stream for the peer)
            assertThat(peer.awaitEnd(WAIT)).anyMatch(f -> f.kind() == RawPeer.GOODBYE);
            // the peer never closes its side: the drain bound ends the session abruptly
            SessionClosedException reason = s.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(reason).isNotNull();
            assertThat(reason.code()).isEqualTo(ErrorCode.SESSION_CLOSED.code());
            assertThat(reason.getMessage()).contains("drain timeout");
            assertThat(s.isOpen()).isFalse();
        }
    }

    @Test
    void callsThePeerNeverAnswersAfterItsGoodbyeFailAtTheDrainTimeout() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = openAgainst(peer, pair[0]);
            CallFuture<Object> pending = s.callAsync("never-answered", null, Object.class);
            peer.await(f -> f.kind() == RawPeer.REQUEST, WAIT);
            goodbye(peer);
            RawFrame ours = peer.await(f -> f.kind() == RawPeer.GOODBYE, WAIT);
            assertThat(ours.json().path("reason").isTextual()).isTrue();
            // new calls are refused while draining; the outstanding one waits for its answer
            assertThatThrownBy(() -> s.callAsync("later", null, Object.class))
                    .isInstanceOfSatisfying(SessionClosedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN.code()));
            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(SessionClosedException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.SESSION_CLOSED.code());
                        assertThat(e.getMessage()).contains("drain timeout");
                    });
            assertThat(s.closeFuture().get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void closeReturnsAtTheDrainTimeoutWhenThePeerNeverAnswersGoodbye() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = openAgainst(peer, pair[0]);
            s.close(); // sends GOODBYE; the raw peer neither answers nor closes
            assertThat(peer.await(f -> f.kind() == RawPeer.GOODBYE, WAIT)).isNotNull();
            SessionClosedException reason = s.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(reason).isNotNull();
            assertThat(reason.getMessage()).contains("drain timeout");
            s.close(); // idempotent
        }
    }

    @Test
    void anOrderlyGoodbyeExchangeWithinTheBoundIsNotCutShort() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = openAgainst(peer, pair[0], Duration.ofSeconds(30));
            goodbye(peer);
            assertThat(peer.awaitEnd(WAIT)).anyMatch(f -> f.kind() == RawPeer.GOODBYE);
            pair[1].shutdownOutput(); // the peer closes its side in time
            assertThat(s.closeFuture().get(10, TimeUnit.SECONDS)).isNull();
        }
    }
}
