package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.testutil.TestService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS over TCP (SPEC §9.3): Parley frames as TLS application data, with a self-signed key made
 * by {@code keytool} for this test; the session works as on plain TCP, and a client that does not
 * trust the server's certificate cannot connect.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTransportTest {
    private static final char[] PASSWORD = TestCertificates.PASSWORD;

    @TempDir
    static Path dir;
    private static KeyStore keyStore;

    /** A trusted certificate issued for another host: an impostor at 127.0.0.1 / localhost. */
    private static KeyStore impostorStore;

    @BeforeAll
    static void generateSelfSignedKey() throws Exception {
        keyStore = selfSigned("server.p12", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        impostorStore = selfSigned("impostor.p12", "CN=wrong.example", "SAN=dns:wrong.example");
    }

    private static KeyStore selfSigned(String file, String dname, String san) throws Exception {
        return TestCertificates.selfSigned(dir, file, dname, san);
    }

    private static SSLContext serverContext() throws Exception {
        return serverContext(keyStore);
    }

    private static SSLContext serverContext(KeyStore keys) throws Exception {
        return TestCertificates.serverContext(keys);
    }

    private static SSLContext clientTrusting(KeyStore trusted) throws Exception {
        return TestCertificates.clientTrusting(trusted);
    }

    private static TransportServer listenTls() throws Exception {
        return TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, serverContext());
    }

    private static int port(TransportServer server) {
        String a = server.address();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    private static CompletableFuture<Session> serveOne(TransportServer server) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(server.accept()).handlers(TestService.handlers(() -> { })).drainTimeout(Duration.ofSeconds(5)).open();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** A connected pair over TLS: {client, server}. */
    private static Session[] connectedPair(TransportServer server) throws Exception {
        CompletableFuture<Session> accepted = serveOne(server);
        Transport t = TcpSockets.connectTls("127.0.0.1", port(server), clientTrusting(keyStore));
        assertThat(t.description()).startsWith("tls:");
        Session client = Session.builder(t).drainTimeout(Duration.ofSeconds(5)).open();
        Session srv = accepted.get(10, TimeUnit.SECONDS);
        assertThat(srv.description()).startsWith("tls:");
        return new Session[] {client, srv};
    }

    @Test
    void sessionOverTlsCarriesCallsBothWays() throws Exception {
        try (TransportServer server = listenTls()) {
            Session[] pair = connectedPair(server);
            Session client = pair[0];
            try {
                assertThat(client.call("sum", List.of(1, 2, 3), Long.class)).isEqualTo(6L);
                byte[] big = new byte[3 * 1024 * 1024 + 5]; // chunked: several frames inside TLS records
                for (int i = 0; i < big.length; i++) {
                    big[i] = (byte) (i * 7);
                }
                assertThat(client.call("big-echo", big, byte[].class)).isEqualTo(big);
                assertThat(client.call("echo", Map.of("tls", true), Map.class)).isEqualTo(Map.of("tls", true));
                // the server calls the client back through the same stream; the client serves nothing
                assertThatThrownBy(() -> client.call("callback", Map.of("method", "nope", "params", 1), Object.class))
                        .isInstanceOfSatisfying(io.parley.RemoteException.class,
                                e -> assertThat(e.code()).isEqualTo(io.parley.ErrorCode.METHOD_NOT_FOUND.code()));
            } finally {
                client.abort();
                pair[1].abort();
            }
        }
    }

    /**
     * SPEC §8.5 rule 4: after the GOODBYE exchange each side closes its sending side and the
     * session is CLOSED at end of stream. Over TLS the transport sends close_notify
     * (SSLSocket.shutdownOutput(): a half-close with TLS 1.3, SPEC §9.3), so neither side waits for
     * the drain timeout.
     */
    @Test
    void gracefulCloseOverTlsIsAGoodbyeExchange() throws Exception {
        try (TransportServer server = listenTls()) {
            Session[] pair = connectedPair(server);
            assertThat(pair[0].call("sum", List.of(1, 2), Long.class)).isEqualTo(3L);
            pair[0].close();
            assertThat(pair[0].closeFuture().get(15, TimeUnit.SECONDS)).as("the client's close is a GOODBYE exchange, not an error")
                    .isNull();
            assertThat(pair[1].closeFuture().get(15, TimeUnit.SECONDS)).as("the server's side").isNull();
        }
    }

    /**
     * Issue 12 fault 9: a certificate the client trusts but issued for {@code wrong.example} does not
     * authenticate a server reached as 127.0.0.1 or localhost; the session is never opened, so the
     * HELLO and its token never reach the impostor. Skipping the check takes an explicit opt-out.
     */
    @Test
    void theServerHostNameIsVerifiedByDefaultAndTheTokenNeverReachesAnImpostor() throws Exception {
        SSLContext trustsImpostor = clientTrusting(impostorStore);
        for (String host : List.of("127.0.0.1", "localhost")) {
            try (TransportServer server = TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                    serverContext(impostorStore))) {
                CompletableFuture<Integer> serverSide = CompletableFuture.supplyAsync(() -> {
                    try (Transport t = server.accept()) {
                        return t.read(new byte[64], 0, 64); // a HELLO carrying the token would arrive here
                    } catch (IOException e) {
                        return -2;
                    }
                });
                assertThatThrownBy(() -> Session.builder(TcpSockets.connectTls(host, port(server), trustsImpostor))
                        .token("secret-token").open())
                        .isInstanceOf(IOException.class).hasMessageContaining("TLS").hasMessageContaining("does not name this host");
                Integer read = serverSide.get(15, TimeUnit.SECONDS);
                assertThat(read).as("bytes the impostor read from %s", host).isLessThan(1);
            }
        }
        // explicitly opting out connects (the context still decides trust)
        try (TransportServer server = TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                serverContext(impostorStore))) {
            CompletableFuture<Session> accepted = serveOne(server);
            Transport t = TcpSockets.connectTls("127.0.0.1", port(server), trustsImpostor, TcpSockets.HostNameCheck.SKIP_INSECURE);
            Session client = Session.builder(t).drainTimeout(Duration.ofSeconds(5)).open();
            try {
                assertThat(client.call("sum", List.of(1, 2), Long.class)).isEqualTo(3L);
            } finally {
                client.abort();
                accepted.get(10, TimeUnit.SECONDS).abort();
            }
        }
    }

    @Test
    void clientThatDoesNotTrustTheCertificateCannotConnect() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (TransportServer server = listenTls()) {
            CompletableFuture<Integer> serverSide = CompletableFuture.supplyAsync(() -> {
                try (Transport t = server.accept()) {
                    return t.read(new byte[16], 0, 16); // drives the server's side of the TLS handshake
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertThatThrownBy(() -> TcpSockets.connectTls("127.0.0.1", port(server), clientTrusting(empty)))
                    .isInstanceOf(IOException.class).hasMessageContaining("TLS");
            // the server's side fails too: not a byte of application data got through
            Integer read = null;
            try {
                read = serverSide.get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e).hasRootCauseInstanceOf(IOException.class); // handshake failure or broken pipe
            }
            assertThat(read == null || read == -1).as("server read %s", read).isTrue();
        }
    }

    /**
     * Issue 12 fault 11: a plain client at a TLS listener is told at once, in a fatal HANDSHAKE_FAILED
     * ERROR, that the listener speaks TLS (it used to wait for its handshake timeout and see the end of
     * the stream); the connection never reaches accept().
     */
    @Test
    void plainTcpClientAtATlsListenerIsToldTheListenerSpeaksTls() throws Exception {
        CompletableFuture<Session> accepted;
        try (TransportServer server = listenTls()) {
            accepted = serveOne(server);
            Transport plain = TcpSockets.connect("127.0.0.1", port(server));
            assertThatThrownBy(() -> Session.builder(plain).handshakeTimeout(Duration.ofSeconds(60)).open())
                    .isInstanceOfSatisfying(SessionClosedException.class, e -> {
                        assertThat(e.code()).isEqualTo(io.parley.ErrorCode.HANDSHAKE_FAILED.code());
                        assertThat(e.getMessage()).contains("speaks TLS and the client does not");
                    });
            plain.close();
            assertThat(accepted).isNotDone();
        }
        assertThatThrownBy(() -> accepted.get(15, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasMessageContaining("closed");
    }

    /** Issue 12 fault 11: a TLS client at a plain listener fails in its TLS handshake, saying the server does not speak TLS. */
    @Test
    void tlsClientAtAPlainListenerIsToldTheServerDoesNotSpeakTls() throws Exception {
        try (TransportServer server = TcpSockets.listenLoopback(0)) {
            CompletableFuture<Session> accepted = serveOne(server);
            assertThatThrownBy(() -> TcpSockets.connectTls("127.0.0.1", port(server), clientTrusting(keyStore)))
                    .isInstanceOf(IOException.class).hasMessageContaining("this client speaks TLS and the server does not");
            assertThat(accepted).isNotDone();
        }
    }

    /** Mutual TLS (issue 12 fault 11): a listener that requires a client certificate refuses a client without one. */
    @Test
    void aListenerCanRequireTrustedClientCertificates() throws Exception {
        // the server trusts the self-signed certificate, which the good client presents as its own
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        SSLContext mutual = SSLContext.getInstance("TLS");
        mutual.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        ListenOptions options = ListenOptions.defaults().withClientCertificateRequired(true);
        try (TransportServer server = TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, mutual, options)) {
            CompletableFuture<Session> refused = serveOne(server);
            // without a certificate: a TLS 1.3 client learns it when it sends or reads its HELLO: no session
            assertThatThrownBy(() -> Session.builder(TcpSockets.connectTls("127.0.0.1", port(server), clientTrusting(keyStore)))
                    .handshakeTimeout(Duration.ofSeconds(30)).open()).isInstanceOfAny(IOException.class, io.parley.ParleyException.class);
            assertThatThrownBy(() -> refused.get(15, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.ExecutionException.class);

            CompletableFuture<Session> accepted = serveOne(server);
            Session client = Session.builder(TcpSockets.connectTls("127.0.0.1", port(server), mutual)).drainTimeout(Duration.ofSeconds(5)).open();
            try {
                assertThat(client.call("sum", List.of(4, 5), Long.class)).isEqualTo(9L);
            } finally {
                client.abort();
                accepted.get(10, TimeUnit.SECONDS).abort();
            }
        }
    }

    @Test
    void requiringClientCertificatesWithoutTlsIsRefused() {
        assertThatThrownBy(() -> TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, null,
                ListenOptions.defaults().withClientCertificateRequired(true))).isInstanceOf(IllegalArgumentException.class);
    }
}
