package io.parley.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** Durations as people write them in messages: "300 ms", "1.5 s", "2 min 30 s" (never {@code PT0.3S}). */
public final class Durations {
    private Durations() {
    }

    /** {@code d} as text; {@code null} as "none". */
    public static String text(Duration d) {
        return d == null ? "none" : text(d.toNanos());
    }

    /** {@code nanos} as text. */
    public static String text(long nanos) {
        if (nanos < 0) {
            return "-" + text(-nanos);
        }
        if (nanos < 1_000_000L) {
            return decimal(nanos, 1_000L) + " µs";
        }
        if (nanos < 1_000_000_000L) {
            return decimal(nanos, 1_000_000L) + " ms";
        }
        if (nanos < 60_000_000_000L) {
            return decimal(nanos, 1_000_000_000L) + " s";
        }
        long seconds = nanos / 1_000_000_000L;
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        StringBuilder b = new StringBuilder();
        if (hours > 0) {
            b.append(hours).append(" h");
        }
        if (minutes > 0) {
            b.append(b.length() > 0 ? " " : "").append(minutes).append(" min");
        }
        if (rest > 0) {
            b.append(b.length() > 0 ? " " : "").append(rest).append(" s");
        }
        return b.toString();
    }

    private static String decimal(long nanos, long unit) {
        BigDecimal v = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unit), 3, RoundingMode.HALF_UP).stripTrailingZeros();
        return v.toPlainString();
    }
}
