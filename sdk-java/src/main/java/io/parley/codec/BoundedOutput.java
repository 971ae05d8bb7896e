package io.parley.codec;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a decompressor's output without allocating beyond the receiver's max_message (SPEC §10.2,
 * §13): a declared size that fits is read into one exact array; otherwise the output goes into
 * fixed slices, so a decompression bomb is stopped after at most max_message plus one slice of heap,
 * never the doubling growth of a {@code ByteArrayOutputStream}.
 */
final class BoundedOutput {
    static final int SLICE = 64 * 1024;
    /** A declared size is trusted for one allocation only up to this many times the body's size. */
    private static final int TRUSTED_RATIO = 64;

    private BoundedOutput() {
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param declared the content size the body declares (at most maxOutput), or -1 when none
     * @throws CompressionLimitException when the output exceeds maxOutput
     * @throws CodecException when the output differs from the declared size
     */
    static byte[] readAll(InputStream in, long maxOutput, long declared) throws IOException, CompressionLimitException, CodecException {
        if (declared >= 0 && declared <= (long) TRUSTED_RATIO * SLICE) {
            return readDeclared(in, (int) declared);
        }
        List<byte[]> slices = new ArrayList<>();
        long total = 0;
        while (true) {
            byte[] slice = new byte[SLICE];
            int filled = 0;
            int n;
            while (filled < SLICE && (n = in.read(slice, filled, SLICE - filled)) > 0) {
                filled += n;
            }
            if (filled == 0) {
                break;
            }
            total += filled;
            if (total > maxOutput) {
                throw new CompressionLimitException("compressed body decompresses to more than max_message " + maxOutput + " bytes");
            }
            slices.add(filled == SLICE ? slice : java.util.Arrays.copyOf(slice, filled));
            if (filled < SLICE) {
                break;
            }
        }
        if (declared >= 0 && total != declared) {
            throw new CodecException("compressed body declares " + declared + " bytes of content but holds " + total, true, null);
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (byte[] slice : slices) {
            System.arraycopy(slice, 0, out, at, slice.length);
            at += slice.length;
        }
        return out;
    }

    private static byte[] readDeclared(InputStream in, int declared) throws IOException, CodecException {
        byte[] out = new byte[declared];
        int filled = 0;
        int n;
        while (filled < declared && (n = in.read(out, filled, declared - filled)) > 0) {
            filled += n;
        }
        if (filled < declared || in.read() >= 0) {
            throw new CodecException("compressed body does not hold the " + declared + " bytes of content it declares", true, null);
        }
        return out;
    }
}
