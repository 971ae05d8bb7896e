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

    private static void bothEndsAreLocal(TransportServer listener, Connect connect) throws Exception {
        Transport[] connecting = new Transport[1];
        CompletableFuture<Session> client = CompletableFuture.supplyAsync(() -> {
            try {
                connecting[0] = connect.connect();
                return Session.builder(connecting[0]).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Transport accepted = listener.accept();
        try (Session server = Session.builder(accepted).open(); Session c = client.get(10, TimeUnit.SECONDS)) {
            assertThat(accepted.reachesOtherHost()).as("accepted end of %s", listener.address()).isFalse();
            assertThat(connecting[0].reachesOtherHost()).as("connecting end of %s", listener.address()).isFalse();
        }
    }

    @Test
    void loopbackTcpAndUnixSocketsDoNotCountAsAnotherHost() throws Exception {
        try (TransportServer tcp = TcpSockets.listenLoopback(0)) {
            String[] hostPort = tcp.address().replaceFirst("^tcp:(//)?", "").split(":");
            bothEndsAreLocal(tcp, () -> TcpSockets.connect(hostPort[0], Integer.parseInt(hostPort[1])));
        }
        Path dir = Files.createTempDirectory("parley-auto");
        Path socket = dir.resolve("s.sock");
        try (TransportServer unix = UnixSockets.listen(socket)) {
            bothEndsAreLocal(unix, () -> UnixSockets.connect(socket));
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
