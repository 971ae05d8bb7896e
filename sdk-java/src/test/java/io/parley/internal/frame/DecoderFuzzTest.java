package io.parley.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property test of the decoder on random and mutated input (seeded, bounded): only the declared
 * exceptions, and the same output whatever the split of the input into reads.
 */
class DecoderFuzzTest {
    private static final long SEED = 0x5EED_0001L;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutatedStreamsGiveOnlyDeclaredErrorsAndSplitIndependentOutput() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        FrameEncoder enc = new FrameEncoder();
        int errors = 0;
        for (int iteration = 0; iteration < 1500; iteration++) {
            byte[] input = mutate(validStream(rnd, enc), rnd);
            int maxFrame = rnd.nextBoolean() ? 1 << 20 : 64 + rnd.nextInt(256);
            long maxMessage = 256 + rnd.nextInt(4096);
            long maxStray = rnd.nextBoolean() ? 1 << 20 : rnd.nextInt(64);
            String whole = runOnce(input, List.of(), maxFrame, maxMessage, maxStray);
            List<Integer> cuts = new ArrayList<>();
            for (int i = 1; i < input.length; i++) {
                if (rnd.nextInt(4) == 0) {
                    cuts.add(i);
                }
            }
            assertThat(runOnce(input, cuts, maxFrame, maxMessage, maxStray)).as("seed iteration " + iteration).isEqualTo(whole);
            if (whole.contains("\"stage\"")) {
                errors++;
            }
        }
        // the mutations must actually exercise the error paths, or this test proves little
        assertThat(errors).isGreaterThan(100);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomBytesNeverThrowAnythingUndeclared() {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (int iteration = 0; iteration < 300; iteration++) {
            byte[] input = new byte[rnd.nextInt(4096)];
            rnd.nextBytes(input);
            // sprinkle magics so that the checksum path runs
            for (int k = 0; k < 8 && input.length > 4; k++) {
                int at = rnd.nextInt(input.length - 3);
                input[at] = (byte) 0xFA;
                input[at + 1] = 'P';
                input[at + 2] = 'R';
                input[at + 3] = 'L';
            }
            String whole = runOnce(input, List.of(), 1 << 20, 1 << 20, 1 << 20);
            List<Integer> each = new ArrayList<>();
            for (int i = 1; i < input.length; i++) {
                each.add(i);
            }
            assertThat(runOnce(input, each, 1 << 20, 1 << 20, 1 << 20)).isEqualTo(whole);
        }
    }

    /** Runs the decoder; any exception other than the declared Parley ones fails the test. */
    private static String runOnce(byte[] input, List<Integer> cuts, int maxFrame, long maxMessage, long maxStray) {
        DecodeRun run = new DecodeRun(maxFrame, maxMessage, maxStray).run(input, cuts, true);
        return run.events + "|" + run.messages + "|" + run.error;
    }

    private static byte[] validStream(SplittableRandom rnd, FrameEncoder enc) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int frames = 1 + rnd.nextInt(6);
        for (int i = 0; i < frames; i++) {
            int kind = 1 + rnd.nextInt(11);
            byte[] body = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(200)];
            rnd.nextBytes(body);
            byte[] meta = kind == FrameKind.REQUEST ? FrameEncoder.requestMeta(rnd.nextInt(10000), "m".getBytes())
                    : kind == FrameKind.NOTIFICATION ? "note".getBytes() : null;
            int flags = FrameKind.isChunkable(kind) && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 0;
            int id = kind == FrameKind.HELLO || kind == FrameKind.NOTIFICATION || kind == FrameKind.GOODBYE ? 0 : 1 + rnd.nextInt(5);
            int codec = body.length == 0 ? 0 : kind == FrameKind.HELLO || kind == FrameKind.ERROR || kind == FrameKind.GOODBYE ? 1
                    : kind >= FrameKind.CANCEL && kind <= FrameKind.PONG ? 0 : rnd.nextInt(3);
            if ((kind == FrameKind.PING || kind == FrameKind.PONG) && body.length > 64) {
                body = java.util.Arrays.copyOf(body, 64);
            }
            if (rnd.nextInt(4) == 0) {
                out.writeBytes("noise\n".getBytes());
            }
            out.writeBytes(enc.encode(kind, flags, id, meta, codec, 0, body));
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] input, SplittableRandom rnd) {
        byte[] b = input.clone();
        int mutations = rnd.nextInt(4);
        for (int i = 0; i < mutations && b.length > 0; i++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
                default -> {
                    // re-sign a header after corrupting a field, so that it passes the checksum
                    int h = indexOfMagic(b, at);
                    if (h >= 0 && h + 24 <= b.length) {
                        b[h + 5 + rnd.nextInt(15)] = (byte) rnd.nextInt(256);
                        FrameDescriptor.putInt(b, h + 20, FrameDescriptor.headerCrc(new java.util.zip.CRC32C(), b, h));
                    }
                }
            }
        }
        return b;
    }

    private static int indexOfMagic(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == (byte) 0xFA && b[i + 1] == 'P' && b[i + 2] == 'R' && b[i + 3] == 'L') {
                return i;
            }
        }
        return -1;
    }
}
