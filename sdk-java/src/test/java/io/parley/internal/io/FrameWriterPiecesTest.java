package io.parley.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.codec.Codec;
import io.parley.internal.frame.Frame;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameFlags;
import io.parley.internal.frame.FrameKind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A body of pieces goes out as frames cut from the pieces themselves (SPEC §5), never joined. */
class FrameWriterPiecesTest {
    private static final int K = 1024;

    /** Records what is written, and which arrays were handed over as a body without a copy. */
    private static final class Capture implements io.parley.transport.Transport {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<byte[]> gathered = new ArrayList<>();

        @Override
        public Role role() {
            return Role.INITIATOR;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return -1;
        }

        @Override
        public synchronized void write(byte[] buffer, int offset, int length) {
            bytes.write(buffer, offset, length);
        }

        @Override
        public synchronized void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) {
            bytes.write(a, aOffset, aLength);
            bytes.write(b, bOffset, bLength);
            gathered.add(b);
        }

        @Override
        public void flush() {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public String description() {
            return "capture";
        }
    }

    private record Seen(int kind, int flags, int bodyLength, byte[] body) {
    }

    private static List<Seen> frames(byte[] wire) {
        List<Seen> out = new ArrayList<>();
        new FrameDecoder(1 << 20, 0).feed(wire, 0, wire.length, new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame f) {
                out.add(new Seen(f.kind(), f.flags(), f.bodyLength(), f.copyBody()));
            }

            @Override
            public void onStray(byte[] bytes, int offset, int length) {
                throw new AssertionError("stray");
            }
        });
        return out;
    }

    private static byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void eachFrameIsCutFromOnePieceAndNoPieceIsCopied() throws Exception {
        byte[] p0 = random(100 * K, 1);
        byte[] p1 = new byte[0];
        byte[] p2 = random(200 * K, 2);
        byte[] p3 = random(70 * K, 3);
        List<byte[]> pieces = List.of(p0, p1, p2, p3);
        Capture t = new Capture();
        FrameWriter w = new FrameWriter(t, e -> { });
        w.response(5, Encoded.ofPieces(Codec.RAW, pieces, 370 * K), 64 * K);

        List<Seen> seen = frames(t.bytes.toByteArray());
        // 100 K = 64 + 36; the empty piece makes no frame; 200 K = 64 + 64 + 64 + 8; 70 K = 64 + 6
        assertThat(seen).extracting(Seen::bodyLength).containsExactly(64 * K, 36 * K, 64 * K, 64 * K, 64 * K, 8 * K, 64 * K, 6 * K);
        assertThat(seen.get(0).flags()).isEqualTo(FrameFlags.MORE);
        assertThat(seen.subList(1, 7)).allMatch(s -> s.flags() == (FrameFlags.MORE | FrameFlags.CONTINUATION));
        assertThat(seen.get(7).flags()).isEqualTo(FrameFlags.CONTINUATION);
        assertThat(seen).allMatch(s -> s.kind() == FrameKind.RESPONSE);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        seen.forEach(s -> joined.writeBytes(s.body()));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        pieces.forEach(expected::writeBytes);
        assertThat(joined.toByteArray()).isEqualTo(expected.toByteArray());
        // every body of 32 KiB or more went to the transport as the caller's own array
        Set<byte[]> given = Collections.newSetFromMap(new IdentityHashMap<>());
        given.addAll(pieces);
        assertThat(t.gathered.size()).isEqualTo(6);
        assertThat(t.gathered.stream().allMatch(given::contains)).as("only the pieces themselves were handed over").isTrue();
    }

    @Test
    void requestMetaTakesRoomInTheFirstFrameOnly() throws Exception {
        byte[] p0 = random(64 * K, 4);
        Capture t = new Capture();
        new FrameWriter(t, e -> { }).request(3, false, 0, "m".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Encoded.ofPieces(Codec.RAW, List.of(p0, p0), 128 * K), 64 * K);
        // meta is 4 + 1 bytes: the first piece needs a second, short frame
        assertThat(frames(t.bytes.toByteArray())).extracting(Seen::bodyLength).containsExactly(64 * K - 5, 5, 64 * K);
    }

    @Test
    void piecesThatFitInOneFrameGoAsOneFrame() throws Exception {
        Capture t = new Capture();
        new FrameWriter(t, e -> { }).response(5, Encoded.ofPieces(Codec.RAW, List.of(random(10, 5), random(20, 6)), 30), 64 * K);
        List<Seen> seen = frames(t.bytes.toByteArray());
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).flags()).isZero();
        assertThat(seen.get(0).bodyLength()).isEqualTo(30);
    }
}
