package io.parley.benchmarks;

import io.parley.pool.WorkerPool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Pool throughput on a CPU-bound PHP handler ({@code work}, ~2 ms of arithmetic) with 1 and 2
 * workers: each invocation sends {@value #BATCH} calls at once and waits for all of them, so every
 * worker always has work queued. Scaling = calls/s with 2 workers / calls/s with 1 (the goal on
 * 2 cores: at least 1.8).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PoolThroughputBenchmark {
    static final int BATCH = 16;

    @Param({"1", "2"})
    int workers;

    private WorkerPool pool;

    @Setup(Level.Trial)
    public void start() throws Exception {
        pool = PhpPool.start(workers, null);
    }

    @TearDown(Level.Trial)
    public void stop() {
        pool.close();
    }

    /** CPU-bound calls per second. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long cpuBoundCalls() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] calls = new CompletableFuture[BATCH];
        for (int i = 0; i < BATCH; i++) {
            calls[i] = pool.callAsync("work", PhpPool.WORK, Long.class);
        }
        long sum = 0;
        for (CompletableFuture<Long> c : calls) {
            sum += c.join();
        }
        return sum;
    }
}
