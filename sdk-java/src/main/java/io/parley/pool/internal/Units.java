package io.parley.pool.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 300ms}, {@code 5s}, {@code 1m30s}, {@code 2h}, {@code 0}) and sizes ({@code 256MB}, {@code 1GiB}). */
public final class Units {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)(b?)");

    private Units() {
    }

    public static Duration duration(String text, String at) throws IOException {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(s);
        long nanos = 0;
        int pos = 0;
        while (pos < s.length() && m.find(pos) && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            double unit;
            switch (m.group(2)) {
                case "us":
                    unit = 1e3;
                    break;
                case "ms":
                    unit = 1e6;
                    break;
                case "s":
                    unit = 1e9;
                    break;
                case "m":
                    unit = 60e9;
                    break;
                case "h":
                    unit = 3600e9;
                    break;
                default:
                    unit = 86400e9;
                    break;
            }
            nanos += (long) (n * unit);
            pos = m.end();
        }
        if (pos != s.length() || s.isEmpty()) {
            throw new IOException(at + ": expected a duration such as 300ms, 5s, 1m or 1h30m, got '" + text + "'");
        }
        return Duration.ofNanos(nanos);
    }

    public static long bytes(String text, String at) throws IOException {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IOException(at + ": expected a size such as 256MB, 1GiB or a number of bytes, got '" + text + "'");
        }
        double n = Double.parseDouble(m.group(1));
        int power = "kmgt".indexOf(m.group(2)) + 1;
        double base = m.group(3).isEmpty() ? 1000 : 1024;
        if (m.group(2).isEmpty() && !m.group(3).isEmpty()) {
            throw new IOException(at + ": unknown size unit in '" + text + "'");
        }
        if (power == 0 && m.group(2).isEmpty()) {
            return (long) n;
        }
        return (long) (n * Math.pow(base, power));
    }
}
