package io.parley.benchmarks;

import io.parley.Session;
import io.parley.pool.WorkerPool;
import io.parley.transport.ChildProcessTransport;
import java.util.Map;
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
 * What the pool adds to a call: one PHP worker called one call at a time, through a
 * {@link WorkerPool} of one worker ({@code impl=pool}) or through a {@link Session} on the same
 * worker script ({@code impl=session}, the floor). {@code method=noop} is the worst case (the call
 * is all plumbing); {@code method=work} is a ~2 ms CPU-bound handler. Overhead = pool / session - 1,
 * same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoolOverheadBenchmark {
    @Param({"session", "pool"})
    String impl;

    @Param({"noop", "work"})
    String method;

    private WorkerPool pool;
    private Session session;
    private Map<String, Object> params;

    @Setup(Level.Trial)
    public void start() throws Exception {
        params = method.equals("work") ? PhpPool.WORK : PhpPool.NOOP;
        if (impl.equals("pool")) {
            pool = PhpPool.start(1, null);
        } else {
            session = Session.builder(ChildProcessTransport.launch(PhpPool.command())).open();
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (pool != null) {
            pool.close();
        }
        if (session != null) {
            session.close();
        }
    }

    /** One call, answered. */
    @Benchmark
    public Object call() {
        return pool != null ? pool.call(method, params, Object.class) : session.call(method, params, Object.class);
    }
}
