package io.parley.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.transport.UnixSockets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Local workers over a Unix socket: the listener is private, a connection that is not a worker
 * the pool launched is turned away, and nothing is left on disk after shutdown.
 */
class LocalSocketWorkersTest {

    /** The environment the pool gave a worker, read from /proc (PHP's putenv does not change it). */
    private static Map<String, String> environmentOf(long pid) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String kv : new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void theListenerIsPrivateRefusesStrangersAndIsRemovedOnClose() throws Exception {
        Path sock;
        try (WorkerPool pool = PoolTests.pool(1).transport(WorkerTransport.UNIX).start()) {
            long pid = pool.call("pid", null, Long.class);
            Map<String, String> env = environmentOf(pid);
            String address = env.get("PARLEY_ADDRESS");
            assertThat(address).startsWith("unix://");
            assertThat(env.get("PARLEY_TOKEN")).hasSizeGreaterThanOrEqualTo(32);
            assertThat(env.get("PARLEY_PEER_NAME")).startsWith("pool-worker:");
            sock = Path.of(address.substring("unix://".length()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent()))).isEqualTo("rwx------");

            // without the token: refused at the handshake
            assertThatThrownBy(() -> Session.builder(UnixSockets.connect(sock)).peerName("pool-worker:999")
                    .handshakeTimeout(Duration.ofSeconds(5)).open()).isInstanceOf(Exception.class);
            // with the token but a name no launch waits for: closed by the pool
            // (the pool may close it before open() returns here, or just after)
            try {
                Session stranger = Session.builder(UnixSockets.connect(sock)).token(env.get("PARLEY_TOKEN"))
                        .peerName("pool-worker:999").handshakeTimeout(Duration.ofSeconds(5)).open();
                await().atMost(Duration.ofSeconds(10)).until(() -> !stranger.isOpen());
            } catch (SessionClosedException turnedAway) {
                assertThat(turnedAway).isInstanceOf(io.parley.PeerGoneException.class);
            }
            assertThat(pool.stats().workers()).singleElement().satisfies(w -> assertThat(w.pid()).isEqualTo(pid));
            assertThat(pool.call("pid", null, Long.class)).isEqualTo(pid);
        }
        assertThat(Files.exists(sock)).isFalse();
        assertThat(Files.exists(sock.getParent())).isFalse();
        assertThat(PoolTests.liveWorkers()).isEmpty();
    }
}
