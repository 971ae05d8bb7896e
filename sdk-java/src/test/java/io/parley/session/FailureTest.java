package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.CallFuture;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.PeerGoneException;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameKind;
import io.parley.testutil.TestService;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dead peers, hostile input, handshake failures: pending calls fail at once with the reason. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureTest {

    @Test
    void childThatCrashesFailsPendingCallsWithExitCodeAndStderrTail() throws Exception {
        ChildProcessTransport child = ChildProcessTransport.launch(Link.childCommand());
        Session s = Session.open(child, new Handlers());
        CallFuture<String> pending = s.callAsync("sleep", Map.of("ms", 30_000), String.class);
        CallFuture<Object> crash = s.callAsync("crash", Map.of("exit", 3), Object.class);
        for (CallFuture<?> f : List.of(pending, crash)) {
            assertThatThrownBy(() -> f.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PeerGoneException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PEER_GONE.code());
                        assertThat(e.exitCode()).hasValue(3);
                        assertThat(e.stderrTail()).contains("crashing on purpose");
                        assertThat(e.getMessage()).contains("exited with status 3").contains("crashing on purpose");
                    });
        }
        assertThatThrownBy(() -> s.call("sum", List.of(1), Long.class)).isInstanceOf(SessionClosedException.class);
        s.close();
        assertThat(child.processHandle().isAlive()).isFalse();
    }

    @Test
    void childKilledWithSigkillFailsPendingCallsAtOnce() throws Exception {
        ChildProcessTransport child = ChildProcessTransport.launch(Link.childCommand());
        Session s = Session.open(child, new Handlers());
        CallFuture<String> pending = s.callAsync("wait-for-cancel", Map.of(), String.class);
        child.processHandle().destroyForcibly();
        assertThatThrownBy(() -> pending.get(15, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(PeerGoneException.class, e -> assertThat(e.exitCode()).hasValue(137));
        assertThat(s.closeFuture().get(5, TimeUnit.SECONDS)).isInstanceOf(PeerGoneException.class);
        s.close();
    }

    @Test
    void hostileLengthClosesWithFrameTooLargeAndTellsThePeer() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> open(pair[1], TestService.handlers(() -> { })));
        Session client = Session.open(pair[0], new Handlers());
        Session srv = server.get(10, TimeUnit.SECONDS);
        CallFuture<String> pending = client.callAsync("sleep", Map.of("ms", 30_000), String.class);
        byte[] header = new byte[24];
        new FrameEncoder().writeHeader(header, 0, FrameKind.RESPONSE, 0, 1, 0, 1, 0, 0x7FFF_FFFF);
        pair[0].inject(header); // the client's input now declares a 2 GiB frame
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(SessionClosedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE.code()));
        // the server got ERROR id 0 with the code and closed too
        SessionClosedException reason = srv.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(reason).isNotNull();
        assertThat(reason.code()).isIn(ErrorCode.FRAME_TOO_LARGE.code(), ErrorCode.PEER_GONE.code());
        client.close();
        srv.close();
    }

    @Test
    void strayFloodOverTheLimitIsAProtocolError() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> open(pair[1], TestService.handlers(() -> { })));
        Session client = Session.builder(pair[0]).maxStray(1000).open();
        Session srv = server.get(10, TimeUnit.SECONDS);
        pair[0].inject("x".repeat(1001).getBytes());
        assertThat(client.closeFuture().get(10, TimeUnit.SECONDS).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        srv.close();
    }

    @Test
    void wrongTokenIsAuthFailedForBothSides() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(pair[1]).token("secret").open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThatThrownBy(() -> Session.builder(pair[0]).token("wrong").open())
                .isInstanceOfSatisfying(SessionClosedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED.code()));
        assertThatThrownBy(() -> server.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(io.parley.ParleyException.class)
                .rootCause().hasMessageContaining("wrong token");
    }

    @Test
    void overloadedPeerAnswersOverloadedAndTheSessionGoesOn() throws Exception {
        // no queue for calls over the limit (maxQueuedCalls(0)): async fails at once (CallQueueTest covers the queue)
        try (Link link = Link.open(Link.Kind.MEMORY, new Handlers(), b -> b.maxQueuedCalls(0), b -> b.maxInFlight(1))) {
            CallFuture<String> busy = link.client.callAsync("wait-for-cancel", Map.of(), String.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> link.server.inFlight() == 1);
            // the caller obeys the peer's max_in_flight (SPEC §6.5): async fails locally, sync waits
            assertThatThrownBy(() -> link.client.callAsync("sum", List.of(1), Long.class))
                    .isInstanceOf(io.parley.OverloadedException.class);
            assertThatThrownBy(() -> link.client.call("sum", List.of(1), Long.class, io.parley.CallOptions.timeout(Duration.ofMillis(200))))
                    .isInstanceOf(io.parley.DeadlineExceededException.class);

            busy.cancel(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> link.server.inFlight() == 0);
            assertThat(link.client.call("sum", List.of(1, 1), Long.class)).isEqualTo(2L);
        }
    }

    @Test
    void closeLeavesNoParleyThreadsBehind() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Link link = Link.open(Link.Kind.TCP, new Handlers())) {
                link.client.call("sum", List.of(1), Long.class);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && (t.getName().startsWith("parley-reader") || t.getName().startsWith("parley-timer"))));
    }

    private static Session open(MemoryTransport t, Handlers h) {
        try {
            return Session.open(t, h);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
