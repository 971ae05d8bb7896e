package io.parley.benchmarks;

import io.parley.Payload;
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
 * Java-to-Java round trips against a child JVM over pipe, Unix socket and TCP: a 32-byte call
 * and a 1 MiB echo, for Parley ({@code impl=parley}) and for the raw floor ({@code impl=raw}, a
 * DataOutputStream length-prefixed echo between the same two programs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IpcBenchmark {
    @Param({"pipe", "unix", "tcp"})
    String transport;

    @Param({"parley", "raw"})
    String impl;

    private Peer peer;
    private final byte[] small = new byte[32];
    /** Random, like real binary payloads (images, archives): zeros would measure zstd, not the transport. */
    private final byte[] big = randomBytes(1 << 20);
    private final byte[] into = new byte[2 << 20];

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(42).nextBytes(b);
        return b;
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        peer = Peer.start(impl, transport);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        peer.close();
    }

    /** Round trips per second of a 32-byte call. */
    @Benchmark
    public Object roundTrip32() throws Exception {
        if (peer.session != null) {
            return peer.session.call("echo", Payload.raw(small), byte[].class);
        }
        return peer.rawEcho(small, into);
    }

    /** 1 MiB echoes per second (x 1 MiB = MB/s each way). */
    @Benchmark
    public Object echo1MiB() throws Exception {
        if (peer.session != null) {
            return peer.session.call("echo", Payload.raw(big), byte[].class);
        }
        return peer.rawEcho(big, into);
    }
}
