package io.parley.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.ErrorCode;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.TcpSockets;
import io.parley.transport.TestCertificates;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.nio.file.Files;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Java proxy → PHP service object ({@code #[Request]} attributes), and PHP → a Java object served
 * with {@link Session#serve}, over every transport: a stdio child, a Unix socket, TCP and TLS (the
 * PHP side dials a Java TLS listener and trusts its self-signed test certificate, SPEC §9.3).
 */
class ProxyPhpTest {
    static final Path WORKER = Path.of("src/test/resources/proxy/service-worker.php").toAbsolutePath();

    enum Kind { STDIO, UNIX, TCP, TLS }

    /** A session with the PHP worker over {@code kind}; closing it ends the worker. */
    static final class PhpLink implements AutoCloseable {
        final Session session;
        private final List<AutoCloseable> resources;

        PhpLink(Session session, List<AutoCloseable> resources) {
            this.session = session;
            this.resources = resources;
        }

        static PhpLink open(Kind kind) throws Exception {
            List<AutoCloseable> res = new ArrayList<>();
            if (kind == Kind.STDIO) {
                Transport t = ChildProcessTransport.launch(List.of("php", WORKER.toString()));
                return new PhpLink(Session.builder(t).defaultTimeout(Duration.ofSeconds(20)).open(), res);
            }
            TransportServer server;
            String address;
            List<String> command = new ArrayList<>(List.of("php", WORKER.toString()));
            if (kind == Kind.TLS) {
                Path dir = Files.createTempDirectory("parley-proxy-tls");
                KeyStore keys = TestCertificates.selfSigned(dir, "server.p12", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
                Path ca = TestCertificates.pem(keys, dir.resolve("ca.pem"));
                server = TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                        TestCertificates.serverContext(keys));
                address = "tls://127.0.0.1:" + server.address().substring(server.address().lastIndexOf(':') + 1);
                command.add(address);
                command.add(ca.toString());
                res.add(() -> {
                    Files.deleteIfExists(dir.resolve("server.p12"));
                    Files.deleteIfExists(ca);
                    Files.deleteIfExists(dir);
                });
            } else if (kind == Kind.UNIX) {
                Path dir = Files.createTempDirectory("parley-proxy");
                Path sock = dir.resolve("s.sock");
                server = UnixSockets.listen(sock);
                address = "unix://" + sock;
                res.add(() -> Files.deleteIfExists(dir));
            } else {
                server = TcpSockets.listenLoopback(0);
                address = "tcp://" + server.address();
            }
            if (kind != Kind.TLS) {
                command.add(address);
            }
            res.add(0, server);
            Process php = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            res.add(() -> {
                if (!php.waitFor(5, TimeUnit.SECONDS)) {
                    php.destroyForcibly();
                }
            });
            Transport accepted = server.accept();
            return new PhpLink(Session.builder(accepted).heartbeat(Duration.ZERO).defaultTimeout(Duration.ofSeconds(20)).open(), res);
        }

        @Override
        public void close() throws Exception {
            session.close();
            for (AutoCloseable r : resources) {
                r.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void javaProxyCallsPhpServiceObject(Kind kind) throws Exception {
        try (PhpLink link = PhpLink.open(kind)) {
            InvoiceApi api = link.session.proxy(InvoiceApi.class);
            assertThat(api.render("A-1", 3)).isEqualTo(new InvoiceApi.Rendered("A-1", 3, "Invoice A-1 x3"));
            assertThat(api.renderNamed(new InvoiceApi.RenderParams("A-2", 2)).text()).isEqualTo("Invoice A-2 x2");
            assertThat(api.renderAsync("A-3", 1).get(20, TimeUnit.SECONDS).text()).isEqualTo("Invoice A-3 x1");
            assertThat(api.total(List.of(1.5, 2.0, 3.0))).isEqualTo(6.5);
            assertThat(api.twoRenders("D")).isEqualTo("Invoice D x1 / Invoice D x2");
            api.audit(Map.of("who", "ada"));
            api.audit("second");
            assertThat(api.audited()).containsExactly(Map.of("who", "ada"), "second");
            assertThat(api.toString()).startsWith("InvoiceApi proxy over ");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void phpErrorsArriveTypedAndMismatchesAreInvalidParams(Kind kind) throws Exception {
        try (PhpLink link = PhpLink.open(kind)) {
            InvoiceApi api = link.session.proxy(InvoiceApi.class);
            assertThatThrownBy(() -> api.refuse("closed"))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(4100);
                        assertThat(e.data(InvoiceApi.Refusal.class)).isEqualTo(new InvoiceApi.Refusal("closed", false));
                    });
            BadTypes bad = link.session.proxy(BadTypes.class);
            assertThatThrownBy(() -> bad.render(42, "x"))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
                        assertThat(e.errorMessage()).contains("must be of type string, int given");
                    });
            assertThat(api.render("still", 1).id()).isEqualTo("still");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void phpCallsAJavaServedObject(Kind kind) throws Exception {
        try (PhpLink link = PhpLink.open(kind)) {
            assertThat(link.session.serve(new Pricing())).containsExactly("pricing/price");
            InvoiceApi api = link.session.proxy(InvoiceApi.class);
            assertThat(api.quote("A-7", 4)).containsEntry("sku", "A-7").containsEntry("qty", 4).containsEntry("total", 10.0);
            assertThat(api.quote("B-1", 3)).containsEntry("total", 12.0);
        }
    }

    /** Wrong types on purpose: the PHP side answers INVALID_PARAMS. */
    @Segment("invoice/")
    interface BadTypes {
        @Request
        Object render(int id, String copies);
    }
}
