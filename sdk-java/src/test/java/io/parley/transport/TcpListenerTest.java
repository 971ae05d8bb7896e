package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.ErrorCode;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.testutil.TestService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP exposure (SPEC §9.3, §13): a listener on a non-loopback address refuses to start without
 * a token; with one, every peer must present it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpListenerTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(anyLocal(), 0);

    private static InetAddress anyLocal() {
        try {
            return InetAddress.getByName("0.0.0.0");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void nonLoopbackBindWithoutATokenIsRefused() {
        assertThat(ANY.getAddress().isLoopbackAddress()).isFalse();
        assertThatThrownBy(() -> TcpSockets.listen(ANY, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token");
        assertThatThrownBy(() -> TcpSockets.listen(ANY, "", null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Issue 12 fault 11: an address that does not resolve is a clear IllegalArgumentException, not a NullPointerException. */
    @Test
    void anUnresolvableAddressIsAClearError() {
        InetSocketAddress nowhere = InetSocketAddress.createUnresolved("no-such-host.invalid", 0);
        assertThatThrownBy(() -> TcpSockets.listen(nowhere, "token", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-host.invalid").hasMessageContaining("does not resolve");
    }

    @Test
    void loopbackBindNeedsNoToken() throws Exception {
        try (TransportServer server = TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, null)) {
            assertThat(server.address()).startsWith("127.0.0.1:");
        }
    }

    @Test
    void nonLoopbackListenerWithATokenRequiresItFromEveryPeer() throws Exception {
        try (TransportServer server = TcpSockets.listen(ANY, "s3cret", null)) {
            int port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));

            CompletableFuture<Session> refused = serveOne(server);
            assertThatThrownBy(() -> Session.builder(TcpSockets.connect("127.0.0.1", port)).open())
                    .isInstanceOfSatisfying(SessionClosedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED.code()));
            assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("this peer requires a token in HELLO");

            CompletableFuture<Session> accepted = serveOne(server);
            try (Session client = Session.builder(TcpSockets.connect("127.0.0.1", port)).token("s3cret").open();
                    Session srv = accepted.get(10, TimeUnit.SECONDS)) {
                assertThat(client.call("sum", List.of(20, 22), Long.class)).isEqualTo(42L);
                assertThat(srv.isOpen()).isTrue();
            }
        }
    }

    private static CompletableFuture<Session> serveOne(TransportServer server) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(server.accept()).handlers(TestService.handlers(() -> { })).open();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }
}
