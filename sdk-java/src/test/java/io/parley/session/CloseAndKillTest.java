package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.CallFuture;
import io.parley.Handlers;
import io.parley.MessageTooLargeException;
import io.parley.Payload;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.transport.ChildProcessTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Session.kill(), Session.close(Duration), and messages refused locally for the peer's max_message. */
class CloseAndKillTest {

    @Test
    void killEndsTheChildProcessAndFailsPendingCallsAtOnce() throws Exception {
        ChildProcessTransport child = ChildProcessTransport.launch(Link.childCommand());
        Session s = Session.builder(child).handlers(new Handlers()).drainTimeout(Duration.ofSeconds(60)).open();
        CallFuture<String> pending = s.callAsync("sleep", Map.of("ms", 60_000), String.class);
        s.kill();
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SessionClosedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !child.processHandle().isAlive());
        SessionClosedException reason = s.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(reason).hasMessageContaining("killed");
        assertThat(s.isOpen()).isFalse();
    }

    @Test
    void closeWithABoundAbortsWhenTheDrainDoesNotFinishInTime() throws Exception {
        try (Link link = Link.open(Link.Kind.MEMORY, new Handlers(), b -> b.drainTimeout(Duration.ofSeconds(120)),
                b -> b.drainTimeout(Duration.ofSeconds(120)))) {
            CallFuture<String> slow = link.client.callAsync("sleep", Map.of("ms", 60_000), String.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> link.server.inFlight() == 1);
            link.client.close(Duration.ofMillis(300));
            // with the drain timeout (120 s) this would still be draining; the bound aborted it
            SessionClosedException reason = link.client.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(reason).isNotNull().hasMessageContaining("close(300 ms)");
            assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SessionClosedException.class);
            link.server.abort();
        }
    }

    @Test
    void closeWithABoundIsGracefulWhenTheDrainFinishes() throws Exception {
        try (Link link = Link.open(Link.Kind.MEMORY, new Handlers())) {
            assertThat(link.client.call("sum", List.of(1, 2), Long.class)).isEqualTo(3L);
            link.client.close(Duration.ofSeconds(30));
            assertThat(link.client.closeFuture().get(10, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void aBodyOverThePeersMaxMessageIsRefusedBeforeSendingAndTheSessionStaysOpen() throws Exception {
        try (Link link = Link.open(Link.Kind.MEMORY, new Handlers(), b -> b,
                b -> b.maxFrame(16 * 1024).maxMessage(64 * 1024))) {
            byte[] big = new byte[100 * 1024];
            assertThatThrownBy(() -> link.client.call("big-echo", Payload.raw(big), byte[].class))
                    .isInstanceOf(MessageTooLargeException.class).hasMessageContaining("max_message");
            assertThatThrownBy(() -> link.client.notify("conf/note", Payload.raw(big)))
                    .isInstanceOf(MessageTooLargeException.class);
            assertThat(link.client.isOpen()).isTrue();
            assertThat(link.client.call("big-echo", Payload.raw(new byte[1000]), byte[].class)).hasSize(1000);
        }
    }
}
