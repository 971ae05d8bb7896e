package io.parley.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool on the shared-memory ring ({@link WorkerTransport#SHM}, SPEC §9.4): workers really map a
 * ring file (seen in their /proc maps, already unlinked), the config file takes {@code transport:
 * shm}, and a worker that cannot map it (PHP with FFI off) declines and still serves over the
 * ring's socket. The generic pool behaviour on shm runs in the transport-parameterised tests.
 */
class SharedMemoryWorkersTest {
    @TempDir
    Path dir;

    private static String ringMappings(long pid) throws Exception {
        StringBuilder found = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            if (line.contains("/dev/shm/parley-")) {
                found.append(line).append('\n');
            }
        }
        return found.toString();
    }

    @Test
    void workersMapTheRingWhoseFileIsAlreadyUnlinked() throws Exception {
        try (WorkerPool pool = PoolTests.pool(2).transport(WorkerTransport.SHM).start()) {
            for (int i = 0; i < 6; i++) {
                assertThat(pool.call("square", PoolTests.args("n", i), Integer.class)).isEqualTo(i * i);
            }
            assertThat(pool.stats().workers()).hasSize(2);
            for (WorkerStats w : pool.stats().workers()) {
                String maps = ringMappings(w.pid());
                assertThat(maps).as("worker %d maps its ring", w.pid()).contains("/dev/shm/parley-").contains("(deleted)");
            }
        }
        assertThat(PoolTests.liveWorkers()).isEmpty();
    }

    @Test
    void aWorkerWithoutFfiDeclinesAndServesOverTheSocket() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).command(List.of("php", "-d", "ffi.enable=0", PoolTests.WORKER.toString()))
                .transport(WorkerTransport.SHM).start()) {
            long pid = pool.call("pid", null, Long.class);
            assertThat(ringMappings(pid)).as("no ring mapped").isEmpty();
            assertThat(pool.call("square", PoolTests.args("n", 7), Integer.class)).isEqualTo(49);
        }
        assertThat(PoolTests.liveWorkers()).isEmpty();
    }

    @Test
    void theConfigFileTakesTransportShm() throws Exception {
        Path file = dir.resolve("parley.yaml");
        Files.writeString(file, "command: [php, " + PoolTests.WORKER + "]\nworkers: 1\ntransport: shm\n");
        assertThat(WorkerPool.builder().configFile(file).configs()).singleElement()
                .satisfies(c -> assertThat(c.transport()).isEqualTo(WorkerTransport.SHM));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"workers\": 1, \"transport\": \"mmap\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkerPool.builder().configFile(bad))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("shm");
    }
}
