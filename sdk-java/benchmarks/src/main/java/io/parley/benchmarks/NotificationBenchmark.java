package io.parley.benchmarks;

import java.util.Map;
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

/** One-way notifications per second to a child JVM (batch of 1000, then one call that waits for all). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NotificationBenchmark {
    private static final int BATCH = 1000;

    @Param({"pipe", "unix", "tcp"})
    String transport;

    private Peer peer;
    private long sent;
    private final Map<String, Integer> params = Map.of("x", 1);

    @Setup(Level.Trial)
    public void start() throws Exception {
        peer = Peer.start("parley", transport);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        peer.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object notifications() {
        for (int i = 0; i < BATCH; i++) {
            peer.session.notify("bench-note", params);
        }
        sent += BATCH;
        return peer.session.call("bench-count", sent, Long.class);
    }
}
