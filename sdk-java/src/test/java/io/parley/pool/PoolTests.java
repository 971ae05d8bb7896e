package io.parley.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Shared helpers of the pool tests: the PHP test workers and process-tree checks. */
final class PoolTests {
    static final Path WORKER = Path.of("src/test/resources/pool/worker.php").toAbsolutePath();
    static final Path REMOTE_WORKER = Path.of("src/test/resources/pool/remote-worker.php").toAbsolutePath();

    private PoolTests() {
    }

    /** A builder for {@code n} test workers with quick timeouts. */
    static WorkerPool.Builder pool(int n) {
        if (!Files.isRegularFile(WORKER)) {
            throw new IllegalStateException("run the pool tests from sdk-java/: " + WORKER + " is missing");
        }
        return WorkerPool.builder().command(List.of("php", WORKER.toString())).workers(n)
                .stopTimeout(Duration.ofSeconds(3)).termTimeout(Duration.ofSeconds(1)).startTimeout(Duration.ofSeconds(10))
                .watchTick(Duration.ofMillis(100));
    }

    static Map<String, Object> args(Object... kv) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Pids of the pool's workers and all their descendants, alive now. */
    static List<Long> treePids(WorkerPool pool) {
        return pool.stats().workers().stream().filter(w -> w.pid() > 0)
                .flatMap(w -> ProcessHandle.of(w.pid()).stream())
                .flatMap(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants()))
                .map(ProcessHandle::pid).collect(Collectors.toList());
    }

    /** Live processes of this JVM's tree running the test workers. */
    static List<ProcessHandle> liveWorkers() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("pool/worker.php") || c.contains("sleep 300")).orElse(false))
                .collect(Collectors.toList());
    }
}
