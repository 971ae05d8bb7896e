package io.parley.internal.io;

import io.parley.internal.frame.FrameDescriptor;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;

/**
 * Aggregates a run of stray bytes into one report (count + first 256 bytes, SPEC §3.6), made when
 * the run ends (a frame or the end of a read). Used by the thread that holds the read role only.
 */
public final class StrayReport {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] head = new byte[FrameDescriptor.STRAY_REPORT_BYTES];
    private final io.parley.StrayListener listener;
    private final Logger log;
    private final String description;
    private int headLength;
    private long count;
    /** The first stray bytes of the session, kept for start-up failure reports (a child's "Could not open input file"). */
    private final byte[] early = new byte[2048];
    private volatile int earlyLength;

    public StrayReport(io.parley.StrayListener listener, Logger log, String description) {
        this.listener = listener;
        this.log = log;
        this.description = description;
    }

    public void add(byte[] b, int off, int len) {
        int e = Math.min(len, early.length - earlyLength);
        if (e > 0) {
            System.arraycopy(b, off, early, earlyLength, e);
            earlyLength += e;
        }
        int n = Math.min(len, head.length - headLength);
        System.arraycopy(b, off, head, headLength, n);
        headLength += n;
        count += len;
    }

    public void flush() {
        if (count == 0) {
            return;
        }
        byte[] first = Arrays.copyOf(head, headLength);
        long total = count;
        count = 0;
        headLength = 0;
        if (listener != null) {
            try {
                listener.onStray(total, first);
            } catch (RuntimeException e) {
                log.warn("stray listener failed", e);
            }
        }
        log.warn("{}: skipped {} stray bytes (not Parley frames): \"{}\"", description, total, printable(first));
    }

    /** The first stray bytes seen in this session (up to 2 KiB) as text, trimmed; empty when there were none. */
    public String earlyText() {
        int n = earlyLength;
        return n == 0 ? "" : new String(early, 0, n, java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xFF;
            if (c >= 0x20 && c < 0x7F) {
                s.append((char) c);
            } else if (c == '\n') {
                s.append("\\n");
            } else {
                s.append("\\x").append(HEX.toHexDigits((byte) c));
            }
        }
        return s.toString();
    }
}
