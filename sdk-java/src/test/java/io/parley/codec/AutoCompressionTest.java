package io.parley.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
import io.parley.testutil.RecordingTransport;
import io.parley.transport.MemoryTransport;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When bodies are compressed automatically (SPEC §10.2, the SDK's rule): only when the transport
 * reaches another host, unless the session says otherwise; and then only bodies at or over the
 * threshold whose sample does not look random. Checked on the frames actually written.
 */
@Timeout(30)
class AutoCompressionTest {
    private static final List<Compression> DEFLATE_ONLY = List.of(DeflateCompression.INSTANCE);
    private static final int REQUEST = 0x02;
    private static final int RESPONSE = 0x03;

    private static final byte[] COMPRESSIBLE = "parley ".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RANDOM = random(256 * 1024);

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    /** Echoes {@code body} over a recorded memory pair and returns the compression byte of the request and of the response. */
    private static int[] echo(byte[] body, boolean otherHost, UnaryOperator<Session.Builder> options) throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        RecordingTransport clientWire = new RecordingTransport(pair[0], otherHost);
        RecordingTransport serverWire = new RecordingTransport(pair[1], otherHost);
        Handlers echo = new Handlers().onRequest("echo", Payload.class, (p, ctx) -> p);
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
            try {
                return options.apply(Session.builder(serverWire).handlers(echo).compressions(DEFLATE_ONLY)).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (Session client = options.apply(Session.builder(clientWire).compressions(DEFLATE_ONLY)).open();
                Session srv = server.get(10, TimeUnit.SECONDS)) {
            assertThat(client.call("echo", Payload.raw(body), byte[].class)).isEqualTo(body);
            int request = clientWire.writtenFrames().stream().filter(h -> h.kind() == REQUEST).findFirst().orElseThrow().compression();
            int response = serverWire.writtenFrames().stream().filter(h -> h.kind() == RESPONSE).findFirst().orElseThrow().compression();
            return new int[] {request, response};
        }
    }

    @Test
    void localTransportsSendEvenCompressibleBodiesUncompressedByDefault() throws Exception {
        assertThat(echo(COMPRESSIBLE, false, b -> b)).containsExactly(0, 0);
    }

    @Test
    void aTransportToAnotherHostCompressesCompressibleBodiesByDefault() throws Exception {
        assertThat(echo(COMPRESSIBLE, true, b -> b)).containsExactly(Compression.DEFLATE, Compression.DEFLATE);
    }

    @Test
    void randomLookingBodiesAreNotCompressedEvenToAnotherHost() throws Exception {
        assertThat(echo(RANDOM, true, b -> b)).containsExactly(0, 0);
    }

    @Test
    void theSessionOptionOverridesTheTransportBothWays() throws Exception {
        assertThat(echo(COMPRESSIBLE, false, b -> b.autoCompression(true))).containsExactly(Compression.DEFLATE, Compression.DEFLATE);
        assertThat(echo(COMPRESSIBLE, true, b -> b.autoCompression(false))).containsExactly(0, 0);
    }

    @Test
    void bodiesUnderTheThresholdStayUncompressed() throws Exception {
        assertThat(echo(COMPRESSIBLE, true, b -> b.compressionThreshold(COMPRESSIBLE.length + 1))).containsExactly(0, 0);
    }

    /** Connects, runs the handshake (the listener hands a connection over after its first frame) and checks both ends. */
    private interface Connect {
        Transport connect() throws Exception;
    }

    private static void bothEnds(TransportServer listener, Connect connect, boolean otherHost, String token) throws Exception {
        Transport[] connecting = new Transport[1];
        CompletableFuture<Session> client = CompletableFuture.supplyAsync(() -> {
            try {
                connecting[0] = connect.connect();
                Session.Builder b = Session.builder(connecting[0]);
                if (token != null) {
                    b.token(token);
                }
                return b.open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Transport accepted = listener.accept();
        try (Session server = Session.builder(accepted).open(); Session c = client.get(10, TimeUnit.SECONDS)) {
            assertThat(accepted.reachesOtherHost()).as("accepted end of %s", listener.address()).isEqualTo(otherHost);
            assertThat(connecting[0].reachesOtherHost()).as("connecting end of %s", listener.address()).isEqualTo(otherHost);
        }
    }

    @Test
    void loopbackTcpAndUnixSocketsDoNotCountAsAnotherHost() throws Exception {
        try (TransportServer tcp = TcpSockets.listenLoopback(0)) {
            String[] hostPort = tcp.address().replaceFirst("^tcp:(//)?", "").split(":");
            bothEnds(tcp, () -> TcpSockets.connect(hostPort[0], Integer.parseInt(hostPort[1])), false, null);
        }
        Path dir = Files.createTempDirectory("parley-auto");
        Path socket = dir.resolve("s.sock");
        try (TransportServer unix = UnixSockets.listen(socket)) {
            bothEnds(unix, () -> UnixSockets.connect(socket), false, null);
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void tcpToANonLoopbackAddressReachesAnotherHost() throws Exception {
        java.net.InetAddress address = null;
        for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && nif.isUp()) {
                    address = a;
                }
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(address != null, "this machine has no non-loopback IPv4 address");
        String host = address.getHostAddress();
        try (TransportServer tcp = TcpSockets.listen(new java.net.InetSocketAddress(address, 0), "auto-compression-test", null)) {
            int port = Integer.parseInt(tcp.address().substring(tcp.address().lastIndexOf(':') + 1));
            bothEnds(tcp, () -> TcpSockets.connect(host, port), true, "auto-compression-test");
        }
    }

    @Test
    void theSampleTellsRandomFromText() {
        assertThat(io.parley.internal.call.AutoCompression.looksIncompressible(random(64 * 1024))).isTrue();
        assertThat(io.parley.internal.call.AutoCompression.looksIncompressible(
                "{\"id\":17,\"name\":\"parley\"},".repeat(3000).getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(io.parley.internal.call.AutoCompression.looksIncompressible(random(4000))).as("under 4 KiB: no sample").isFalse();
    }
}
