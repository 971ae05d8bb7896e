package io.parley.benchmarks;

import io.parley.pool.WorkerCrashedException;
import io.parley.pool.WorkerPool;
import io.parley.pool.WorkerStats;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time to replace a killed worker, as a caller sees it: a pool of one worker, SIGKILL it, then
 * make a call; the call waits in the queue until the replacement is up (launch + handshake), so
 * its time is the outage. {@code backoff=default} keeps the pool's crash restart delay (what users
 * get); {@code backoff=0} removes it, leaving the cost of launching and handshaking a PHP worker.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PoolReplaceBenchmark {
    @Param({"default", "0"})
    String backoff;

    private WorkerPool pool;
    private ProcessHandle victim;

    @Setup(Level.Trial)
    public void start() throws Exception {
        pool = PhpPool.start(1, backoff.equals("0") ? Duration.ZERO : null);
    }

    @TearDown(Level.Trial)
    public void stop() {
        pool.close();
    }

    /** Before each kill: the pool is back to one ready worker and has answered a call. */
    @Setup(Level.Invocation)
    public void ready() throws Exception {
        pool.call("noop", PhpPool.NOOP, Object.class);
        // a quiet second between kills keeps repeated crashes from looking like a crash loop
        Thread.sleep(1000);
        long pid = pool.stats().workers().stream().mapToLong(WorkerStats::pid).findFirst().orElseThrow();
        victim = ProcessHandle.of(pid).orElseThrow();
    }

    /**
     * SIGKILL the worker, then call until answered: a call that reaches the dead worker before the
     * pool has seen it die fails with WorkerCrashedException and is sent again, as a caller would.
     */
    @Benchmark
    public Object killThenCall() {
        victim.destroyForcibly();
        while (true) {
            try {
                return pool.call("noop", PhpPool.NOOP, Object.class);
            } catch (WorkerCrashedException e) {
                // the pool had not noticed yet; the next try waits for the replacement
            }
        }
    }
}
