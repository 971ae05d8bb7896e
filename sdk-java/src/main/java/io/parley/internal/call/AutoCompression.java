package io.parley.internal.call;

import io.parley.transport.Transport;

/**
 * When a session compresses bodies without being asked to (SPEC §10.2 leaves it to the sender).
 * The rule, the same in the PHP SDK ({@code Parley\Internal\Call\AutoCompression}):
 * <ul>
 * <li>the session's {@code autoCompression} option decides when it is set;</li>
 * <li>otherwise only when the transport {@linkplain Transport#reachesOtherHost() reaches another
 *     host} (TCP or TLS to an address that is not loopback): on pipes, Unix sockets, shared memory
 *     and loopback, compressing a body costs more CPU than copying it through the kernel;</li>
 * <li>when on, a body is compressed only from the threshold up, when a sample of it does not look
 *     random or already compressed ({@link #looksIncompressible(byte[])}), and when the result is
 *     smaller.</li>
 * </ul>
 */
public final class AutoCompression {
    private static final int SAMPLE = 1024;
    /** {@code c * log2(c)} for the counts of a 3-sample histogram. */
    private static final double[] C_LOG_C = new double[3 * SAMPLE + 1];

    static {
        for (int c = 1; c < C_LOG_C.length; c++) {
            C_LOG_C[c] = c * (Math.log(c) / Math.log(2));
        }
    }

    private AutoCompression() {
    }

    /** Whether a session with this option ({@code null}: not set) on this transport compresses bodies by itself. */
    public static boolean decide(Boolean option, Transport transport) {
        return option != null ? option : transport.reachesOtherHost();
    }

    /**
     * Whether a body looks already compressed or random (images, archives, encrypted data), so that
     * compressing it would cost more than it saves: the byte entropy of three 1 KiB samples (start,
     * middle, end) is over 7.5 bits per byte. Compressing 1 MiB of random data with zstd takes
     * about as long as sending it twice; this check takes a few microseconds.
     */
    public static boolean looksIncompressible(byte[] b) {
        if (b.length < 4 * SAMPLE) {
            return false;
        }
        int[] hist = new int[256];
        int[] starts = {0, b.length / 2 - SAMPLE / 2, b.length - SAMPLE};
        for (int start : starts) {
            for (int i = start, end = start + SAMPLE; i < end; i++) {
                hist[b[i] & 0xFF]++;
            }
        }
        int n = 3 * SAMPLE;
        double sum = 0;
        for (int c : hist) {
            sum += C_LOG_C[c];
        }
        double entropy = Math.log(n) / Math.log(2) - sum / n;
        return entropy > 7.5;
    }
}
