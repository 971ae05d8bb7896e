package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.Session;
import io.parley.testutil.TestService;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 fault 4: connections that have not sent their HELLO cost a listener no thread and one
 * descriptor each, are capped ({@link ListenOptions#maxPendingHandshakes()}, the longest-waiting
 * one is closed) and closed at the handshake timeout; idle connections beyond the descriptor limit
 * neither kill the accept loop nor lock out a client that speaks.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PendingHandshakesTest {
    @TempDir
    Path dir;

    private static SocketChannel idle(Path sock) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(sock));
        return ch;
    }

    /** Blocks until the server closes the connection: true at end of stream. */
    private static boolean closedByServer(SocketChannel ch) throws IOException {
        return ch.read(ByteBuffer.allocate(16)) < 0;
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

    @Test
    void beyondTheCapTheLongestWaitingConnectionIsClosedAndAGoodClientStillGetsASession() throws Exception {
        Path sock = dir.resolve("cap.sock");
        try (TransportServer server = UnixSockets.listen(sock, null, ListenOptions.defaults().withMaxPendingHandshakes(3))) {
            CompletableFuture<Session> accepted = serveOne(server);
            List<SocketChannel> idle = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                idle.add(idle(sock));
            }
            try {
                // the three that waited longest make room for the three after them
                for (int i = 0; i < 3; i++) {
                    assertThat(closedByServer(idle.get(i))).as("idle connection %d", i).isTrue();
                }
                try (Session client = Session.builder(UnixSockets.connect(sock)).handshakeTimeout(Duration.ofSeconds(30)).open();
                        Session srv = accepted.get(30, TimeUnit.SECONDS)) {
                    assertThat(client.call("sum", List.of(40, 2), Long.class)).isEqualTo(42L);
                    assertThat(srv.isOpen()).isTrue();
                }
            } finally {
                for (SocketChannel ch : idle) {
                    ch.close();
                }
            }
        }
    }

    @Test
    void aConnectionSilentPastTheHandshakeTimeoutIsClosed() throws Exception {
        Path sock = dir.resolve("timeout.sock");
        try (TransportServer server = UnixSockets.listen(sock, null, ListenOptions.defaults().withHandshakeTimeout(Duration.ofMillis(200)));
                SocketChannel ch = idle(sock)) {
            assertThat(closedByServer(ch)).isTrue();
        }
    }

    @Test
    void aPartialHelloIsNotHandedOverButTheRestOfItIs() throws Exception {
        Path sock = dir.resolve("partial.sock");
        try (TransportServer server = UnixSockets.listen(sock)) {
            CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // a frame header announcing 10 body bytes, then only 4 of them: not complete, so not accepted
            byte[] frame = new io.parley.internal.frame.FrameEncoder().encode(0x7E, 0, 0, null, 0, 0, "0123456789".getBytes(StandardCharsets.US_ASCII));
            try (SocketChannel ch = idle(sock)) {
                ch.write(ByteBuffer.wrap(frame, 0, frame.length - 6));
                Thread.sleep(300); // gives the listener a chance to hand it over too early (no timing is asserted)
                assertThat(accepted).isNotDone();
                ch.write(ByteBuffer.wrap(frame, frame.length - 6, 6));
                try (Transport t = accepted.get(30, TimeUnit.SECONDS)) {
                    byte[] got = new byte[frame.length];
                    int n = 0;
                    while (n < got.length) {
                        int r = t.read(got, n, got.length - n);
                        assertThat(r).isPositive();
                        n += r;
                    }
                    assertThat(got).isEqualTo(frame); // the bytes the listener looked at are replayed first
                }
            }
        }
    }

    /**
     * The fault as found: under a low descriptor limit (prlimit), 300 idle connections to a
     * Unix-socket server written the usual way (accept, a thread per session). Before the fix each
     * cost a thread and five descriptors, accept() failed with "Too many open files" and the good
     * client's handshake timed out; now it gets a session.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void idleConnectionsBeyondTheDescriptorLimitDoNotLockOutAGoodClient() throws Exception {
        Path sock = dir.resolve("limit.sock");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder("prlimit", "--nofile=220:220", java, "-cp", System.getProperty("java.class.path"),
                PendingHandshakesProbe.class.getName(), sock.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<SocketChannel> idle = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("LISTENING");
            for (int i = 0; i < 300; i++) {
                idle.add(idle(sock));
            }
            try (Session client = Session.builder(UnixSockets.connect(sock)).handshakeTimeout(Duration.ofSeconds(8)).open()) {
                assertThat(client.call("sum", List.of(20, 22), Long.class)).isEqualTo(42L);
            }
            assertThat(p.isAlive()).isTrue();
        } finally {
            for (SocketChannel ch : idle) {
                ch.close();
            }
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
