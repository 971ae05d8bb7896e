package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.PeerGoneException;
import io.parley.Session;
import io.parley.internal.ring.RingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Java parent and a PHP child over the shared-memory ring (SPEC §9.4): the PHP worker attaches
 * ring-first through {@code Ipc::worker()}; calls, messages larger than the ring, progress, many
 * calls in flight and the child's crash all go through the real cross-language ring.
 */
@Timeout(60)
class RingPhpTest {
    static final Path WORKER = Path.of("src/test/resources/pool/worker.php").toAbsolutePath();

    /** Rings in a directory of this test's own: no other process's sweep (SPEC §9.4 step 6) sees them. */
    private static Path dir;

    @BeforeAll
    static void privateRingDirectory() throws Exception {
        dir = Files.createTempDirectory(Files.isDirectory(RingFile.SHM) ? RingFile.SHM : Path.of(System.getProperty("java.io.tmpdir")),
                "parleytest.");
    }

    @AfterAll
    static void removeRingDirectory() throws Exception {
        Files.deleteIfExists(dir);
    }

    private static Session open() throws Exception {
        Transport t = SharedMemory.builder(List.of("php", WORKER.toString())).capacity(64 * 1024).directory(dir)
                .fallbackToStdio(false).launch();
        assertThat(t.description()).startsWith("shm ring");
        return Session.builder(t).defaultTimeout(Duration.ofSeconds(20)).open();
    }

    @Test
    void callsLargeMessagesAndProgressCrossTheRing() throws Exception {
        try (Session s = open()) {
            assertThat(s.call("echo", Map.of("a", 1, "s", "héllo"), Map.class)).isEqualTo(Map.of("a", 1, "s", "héllo"));
            // 5 MiB each way through a 64 KiB ring: many records, many waits for space on both sides
            StringBuilder big = new StringBuilder(5 << 20);
            for (int i = 0; big.length() < (5 << 20); i++) {
                big.append((char) ('a' + i % 26));
            }
            assertThat(s.call("echo", big.toString(), String.class)).isEqualTo(big.toString());
            List<Object> seen = new CopyOnWriteArrayList<>();
            Integer n = s.call("progress", Map.of("n", 50), Integer.class,
                    CallOptions.timeout(Duration.ofSeconds(20)).withProgress(p -> seen.add(p.as(Map.class))));
            assertThat(n).isEqualTo(50);
            assertThat(seen).hasSize(50).first().isEqualTo(Map.of("done", 1));
            List<CallFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                calls.add(s.callAsync("square", Map.of("n", i), Integer.class));
            }
            for (int i = 0; i < 500; i++) {
                assertThat(calls.get(i).get()).isEqualTo(i * i);
            }
        }
    }

    @Test
    void aCrashingPhpChildFailsPendingCallsWithPeerGone() throws Exception {
        try (Session s = open()) {
            CallFuture<Object> sleeping = s.callAsync("sleep", Map.of("ms", 20_000), Object.class);
            assertThat(s.call("echo", "x", String.class)).isEqualTo("x");
            assertThatThrownBy(() -> s.call("crash", Map.of("code", 7), Object.class)).isInstanceOf(PeerGoneException.class);
            assertThatThrownBy(sleeping::get).hasCauseInstanceOf(PeerGoneException.class);
        }
    }
}
