package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.CallFuture;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.ProtocolException;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.internal.frame.FrameEncoder;
import io.parley.testutil.RawPeer;
import io.parley.testutil.RawPeer.RawFrame;
import io.parley.transport.MemoryTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SPEC 1.1 rules of §14 that had no test: the stalled-frame bound (§3.5), when the heartbeat
 * clock starts (§8.4), which requests count in flight (§6.5) and the all-empty chunked message
 * (§5). (The partial magic of §3.6 is checked on the decoder, {@code FrameDecoderTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpecV11TimingRulesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MORE = 0x0001;
    private static final int CONTINUATION = 0x0002;

    /** An initiator session towards a raw acceptor; {@code helloDelayMs} before the raw HELLO. */
    private static Session initiator(RawPeer peer, MemoryTransport side, UnaryOperator<Session.Builder> config, long helloDelayMs)
            throws Exception {
        CompletableFuture<Session> open = CompletableFuture.supplyAsync(() -> {
            try {
                return config.apply(Session.builder(side).handlers(new Handlers())).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(peer.next(WAIT).kind()).isEqualTo(RawPeer.HELLO);
        Thread.sleep(helloDelayMs);
        peer.sendHello(RawPeer.hello());
        return open.get(10, TimeUnit.SECONDS);
    }

    /** An acceptor session with {@code handlers} towards a raw initiator. */
    private static Session acceptor(RawPeer peer, MemoryTransport side, Handlers handlers, UnaryOperator<Session.Builder> config)
            throws Exception {
        CompletableFuture<Session> open = CompletableFuture.supplyAsync(() -> {
            try {
                return config.apply(Session.builder(side).handlers(handlers)).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        peer.sendHello(RawPeer.hello());
        assertThat(peer.next(WAIT).kind()).isEqualTo(RawPeer.HELLO);
        return open.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFrameWhoseBytesStopPartWayClosesTheSessionWithProtocolErrorAndFailsPendingCalls() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            // heartbeats off, as for a stdio child: only the stall bound can end this
            Session s = initiator(peer, pair[0], b -> b.heartbeat(Duration.ZERO).frameStallTimeout(Duration.ofMillis(300))
                    .defaultTimeout(Duration.ZERO), 0);
            CallFuture<Object> pending = s.callAsync("never-answered", null, Object.class);
            RawFrame request = peer.await(f -> f.kind() == RawPeer.REQUEST, WAIT);
            byte[] response = peer.encode(RawPeer.RESPONSE, 0, request.id(), null, 1, 0,
                    ("\"" + "r".repeat(200) + "\"").getBytes(StandardCharsets.UTF_8));
            peer.writeRaw(Arrays.copyOf(response, 24 + 100)); // header and half the payload, then nothing

            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
                        assertThat(e.getMessage()).contains("stalled inside a frame");
                    });
            SessionClosedException closed = s.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
            // the fatal error is announced to the peer (SPEC §7.3)
            RawFrame error = peer.await(f -> f.kind() == RawPeer.ERROR, WAIT);
            assertThat(error.id()).isZero();
            assertThat(error.json().path("code").asInt()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
            s.close();
        }
    }

    @Test
    void aFrameThatCompletesAfterAPauseIsNotAStall() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            Session s = initiator(peer, pair[0], b -> b.heartbeat(Duration.ZERO).frameStallTimeout(Duration.ofSeconds(20)), 0);
            CallFuture<String> call = s.callAsync("answered", null, String.class);
            RawFrame request = peer.await(f -> f.kind() == RawPeer.REQUEST, WAIT);
            byte[] response = peer.encode(RawPeer.RESPONSE, 0, request.id(), null, 1, 0, "\"done\"".getBytes(StandardCharsets.UTF_8));
            peer.writeRaw(Arrays.copyOf(response, 27));
            Thread.sleep(200);
            peer.writeRaw(Arrays.copyOfRange(response, 27, response.length));
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(s.isOpen()).isTrue();
            s.abort();
        }
    }

    @Test
    void theHeartbeatClockStartsWhenThePeersHelloArrivesNotWhenTheSessionOpens() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[1])) {
            // the HELLO comes after more than 2 x H: a clock started before it would kill the session at once
            Session s = initiator(peer, pair[0], b -> b.heartbeat(Duration.ofMillis(100)), 500);
            RawFrame ping = peer.next(WAIT);
            assertThat(ping).as("the first frame after the handshake (null: the session closed)").isNotNull();
            assertThat(ping.kind()).isEqualTo(RawPeer.PING);
            peer.send(RawPeer.PONG, 0, ping.id(), null, 0, 0, ping.body());
            assertThat(s.isOpen()).isTrue();
            s.abort();
        }
    }

    @Test
    void requestsAnsweredWithoutAHandlerNeverCountInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Handlers handlers = new Handlers().onRequest("block", Object.class, (p, ctx) -> {
            release.await();
            return "released";
        });
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[0])) {
            Session s = acceptor(peer, pair[1], handlers, b -> b.maxInFlight(1));
            // answered at once: METHOD_NOT_FOUND, INVALID_REQUEST (meta shorter than timeout_ms), PARSE_ERROR
            peer.request(1, "no-such-method", "{}");
            peer.send(RawPeer.REQUEST, 0, 2, new byte[] {0, 0}, 1, 0, "{}".getBytes(StandardCharsets.UTF_8));
            peer.request(3, "block", "{not json");
            for (long id = 1; id <= 3; id++) {
                long want = id;
                RawFrame err = peer.await(f -> f.id() == want, WAIT);
                assertThat(err.kind()).isEqualTo(RawPeer.ERROR);
                assertThat(err.json().path("code").asInt()).isNotEqualTo(ErrorCode.OVERLOADED.code());
            }
            // none of them counts: the one slot is free for a request that runs
            peer.request(4, "block", "{}");
            // the slot is taken now: the next one is OVERLOADED, and that answer does not count either
            peer.request(5, "block", "{}");
            RawFrame overloaded = peer.await(f -> f.id() == 5, WAIT);
            assertThat(overloaded.json().path("code").asInt()).isEqualTo(ErrorCode.OVERLOADED.code());
            release.countDown();
            RawFrame done = peer.await(f -> f.id() == 4, WAIT);
            assertThat(done.kind()).isEqualTo(RawPeer.RESPONSE);
            peer.request(6, "block", "{}");
            RawFrame again = peer.await(f -> f.id() == 6, WAIT);
            assertThat(again.kind()).isEqualTo(RawPeer.RESPONSE);
            assertThat(again.json().asText()).isEqualTo("released");
            s.abort();
        }
    }

    @Test
    void aChunkedMessageWhoseFramesAreAllEmptyCarriesNoValue() throws Exception {
        Handlers handlers = new Handlers().onRequest("what", Object.class, (p, ctx) -> p == null ? "no value" : "value " + p);
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[0])) {
            Session s = acceptor(peer, pair[1], handlers, b -> b);
            byte[] meta = FrameEncoder.requestMeta(0, "what".getBytes(StandardCharsets.UTF_8));
            peer.send(RawPeer.REQUEST, MORE, 7, meta, 1, 0, new byte[0]);
            peer.send(RawPeer.REQUEST, MORE | CONTINUATION, 7, null, 1, 0, new byte[0]);
            peer.send(RawPeer.REQUEST, CONTINUATION, 7, null, 1, 0, new byte[0]);
            RawFrame r = peer.await(f -> f.id() == 7, WAIT);
            assertThat(r.kind()).as("answer %s", r).isEqualTo(RawPeer.RESPONSE);
            assertThat(r.json().asText()).isEqualTo("no value");
            assertThat(s.isOpen()).isTrue();
            s.abort();
        }
    }
}
