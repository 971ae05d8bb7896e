package io.parley.benchmarks;

import io.parley.pool.WorkerPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts the pool benchmarks' PHP workers ({@code sdk-java/benchmarks/php/pool-worker.php}). */
final class PhpPool {
    /** Rounds of arithmetic in one {@code work} call: about 2 ms of PHP CPU time on this kind of VM. */
    static final int WORK_ROUNDS = 300_000;
    static final Map<String, Object> WORK = Map.of("n", WORK_ROUNDS);
    static final Map<String, Object> NOOP = Map.of("k", 1);

    private PhpPool() {
    }

    /** {@code php sdk-java/benchmarks/php/pool-worker.php} ({@code PARLEY_PHP} overrides {@code php}). */
    static List<String> command() {
        return List.of(System.getenv().getOrDefault("PARLEY_PHP", "php"), script().toString());
    }

    /**
     * A pool of {@code workers} on defaults, except the crash restart delay when {@code backoff}
     * is not null.
     */
    static WorkerPool start(int workers, Duration backoff) throws IOException {
        WorkerPool.Builder b = WorkerPool.builder().command(command()).workers(workers);
        if (backoff != null) {
            b.defaults(c -> c.restartBackoff(backoff));
        }
        return b.start();
    }

    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sdk-java/benchmarks/php/pool-worker.php");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sdk-java/benchmarks/php/pool-worker.php not found from " + Path.of("").toAbsolutePath()
                + ": run the benchmarks from the repository root");
    }
}
