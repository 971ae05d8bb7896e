package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.tools.ConformanceService;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
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
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTransportTest {
    private static final char[] PASSWORD = "parley-test".toCharArray();

    @TempDir
    static Path dir;
    private static KeyStore keyStore;

    @BeforeAll
    static void generateSelfSignedKey() throws Exception {
        Path ks = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "parley", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool: %s", out).isZero();
        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keyStore.load(in, PASSWORD);
        }
    }

    private static SSLContext serverContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static SSLContext clientTrusting(KeyStore trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
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
                return Session.builder(server.accept()).handlers(ConformanceService.handlers(() -> { })).open();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void sessionOverTlsCarriesCallsBothWaysAndClosesCleanly() throws Exception {
        try (TransportServer server = listenTls()) {
            CompletableFuture<Session> accepted = serveOne(server);
            Transport t = TcpSockets.connectTls("127.0.0.1", port(server), clientTrusting(keyStore));
            assertThat(t.description()).startsWith("tls:");
            Session client = Session.builder(t).open();
            Session srv = accepted.get(10, TimeUnit.SECONDS);
            assertThat(srv.description()).startsWith("tls:");

            assertThat(client.call("sum", List.of(1, 2, 3), Long.class)).isEqualTo(6L);
            byte[] big = new byte[3 * 1024 * 1024 + 5]; // chunked: several frames inside TLS records
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 7);
            }
            assertThat(client.call("big-echo", big, byte[].class)).isEqualTo(big);
            assertThat(client.call("echo", Map.of("tls", true), Map.class)).isEqualTo(Map.of("tls", true));

            client.close();
            SessionClosedException clientReason = client.closeFuture().get(15, TimeUnit.SECONDS);
            assertThat(clientReason).as("the client's close is a GOODBYE exchange, not an error").isNull();
            assertThat(srv.closeFuture().get(15, TimeUnit.SECONDS)).as("the server's side").isNull();
        }
    }

    @Test
    void clientThatDoesNotTrustTheCertificateCannotConnect() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (TransportServer server = listenTls()) {
            CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertThatThrownBy(() -> TcpSockets.connectTls("127.0.0.1", port(server), clientTrusting(empty)))
                    .isInstanceOf(IOException.class).hasMessageContaining("TLS");
            accepted.cancel(true);
        }
    }

    @Test
    void plainTcpClientGetsNoSessionFromATlsListener() throws Exception {
        try (TransportServer server = listenTls()) {
            CompletableFuture<Session> accepted = serveOne(server);
            Transport plain = TcpSockets.connect("127.0.0.1", port(server));
            assertThatThrownBy(() -> Session.builder(plain).handshakeTimeout(java.time.Duration.ofSeconds(5)).open())
                    .isInstanceOf(SessionClosedException.class);
            plain.close();
            assertThatThrownBy(() -> accepted.get(15, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.ExecutionException.class);
        }
    }
}
