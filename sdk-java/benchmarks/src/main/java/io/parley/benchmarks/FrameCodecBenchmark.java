package io.parley.benchmarks;

import io.parley.internal.frame.Frame;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameKind;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** Frame encode and decode cost, ns per frame. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBenchmark {
    @Param({"32", "4096"})
    int bodySize;

    private final FrameEncoder encoder = new FrameEncoder();
    private byte[] body;
    private byte[] out;
    private byte[] frame;
    private FrameDecoder decoder;
    private Blackhole hole;
    private final FrameDecoder.Listener listener = new FrameDecoder.Listener() {
        @Override
        public void onFrame(Frame f) {
            hole.consume(f.bodyLength());
        }

        @Override
        public void onStray(byte[] bytes, int offset, int length) {
            hole.consume(length);
        }
    };

    @Setup
    public void setup(Blackhole bh) {
        hole = bh;
        body = new byte[bodySize];
        out = new byte[24 + bodySize];
        frame = encoder.encode(FrameKind.RESPONSE, 0, 7, null, 0, 0, body);
        decoder = new FrameDecoder(1 << 20, 1 << 20);
    }

    @Benchmark
    public byte[] encode() {
        encoder.writeHeader(out, 0, FrameKind.RESPONSE, 0, 7, 0, 0, 0, bodySize);
        System.arraycopy(body, 0, out, 24, bodySize);
        return out;
    }

    @Benchmark
    public void decode() {
        decoder.feed(frame, 0, frame.length, listener);
    }
}
