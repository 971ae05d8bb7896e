package io.parley.cli;

import io.parley.internal.frame.Frame;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameException;
import io.parley.internal.frame.FrameKind;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Annotates a byte stream frame by frame with the SDK's {@link FrameDecoder} (SPEC §3.5, §3.6):
 * offset, kind, id, flags, codec, compression, meta (text when it is UTF-8) and a body preview.
 * Runs the CLI on the class path, where the SDK's internal packages are readable.
 */
final class FrameDump {
    private static final int HEADER = 24;
    private static final int PREVIEW = 200;

    /** What the dump found; {@code error} is null for a clean stream. */
    record Summary(long frames, long strayBytes, String error) {}

    private FrameDump() {}

    static Summary dump(byte[] bytes, int maxFrame, PrintWriter out) {
        FrameDecoder decoder = new FrameDecoder(maxFrame, Long.MAX_VALUE);
        long[] offset = {0};
        long[] frames = {0};
        long[] stray = {0};
        FrameDecoder.Listener listener = new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame f) {
                frames[0]++;
                out.println("@" + offset[0] + " " + FrameKind.name(f.kind()) + " id=" + Integer.toUnsignedString(f.id())
                        + " flags=0x" + Integer.toHexString(f.flags()) + " codec=" + f.codec() + " compression=" + f.compression()
                        + " meta=" + f.metaLength() + "B body=" + f.bodyLength() + "B");
                if (f.metaLength() > 0) out.println("    meta: " + text(f.buffer(), f.metaOffset(), f.metaLength()));
                if (f.bodyLength() > 0) out.println("    body: " + text(f.bodyBuffer(), f.bodyOffset(), f.bodyLength()));
                offset[0] += HEADER + f.metaLength() + (long) f.bodyLength();
            }

            @Override
            public void onStray(byte[] b, int off, int len) {
                stray[0] += len;
                out.println("@" + offset[0] + " STRAY " + len + " bytes (SPEC §3.6: skipped): " + text(b, off, len));
                offset[0] += len;
            }
        };
        try {
            decoder.feed(bytes, 0, bytes.length, listener);
            decoder.endOfInput(listener);
            return new Summary(frames[0], stray[0], null);
        } catch (FrameException e) {
            String what = e.getClass().getSimpleName() + ": " + e.getMessage();
            out.println("@" + offset[0] + " ERROR " + what);
            return new Summary(frames[0], stray[0], what);
        }
    }

    /** UTF-8 text (quoted, escaped, cut at 200 characters) when the bytes are strict UTF-8, else hex. */
    static String text(byte[] b, int off, int len) {
        int n = Math.min(len, PREVIEW);
        String more = len > n ? " … (" + len + " bytes)" : "";
        if (Frame.isStrictUtf8(b, off, n)) {
            String s = new String(b, off, n, StandardCharsets.UTF_8);
            StringBuilder q = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') q.append('\\').append(c);
                else if (c < 0x20) q.append(String.format("\\u%04x", (int) c));
                else q.append(c);
            }
            return q.append('"').append(more).toString();
        }
        StringBuilder h = new StringBuilder("hex ");
        for (int i = 0; i < n; i++) h.append(String.format("%02x", b[off + i] & 0xFF));
        return h.append(more).toString();
    }

    /** Hex text to bytes: whitespace, ':' separators and 0x prefixes are ignored. */
    static byte[] unhex(String s) {
        String clean = s.replaceAll("0[xX]", "").replaceAll("[\\s:,]", "");
        if (clean.length() % 2 != 0) throw new IllegalArgumentException("odd number of hex digits (" + clean.length() + ")");
        byte[] b = new byte[clean.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(clean.charAt(2 * i), 16);
            int lo = Character.digit(clean.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) throw new IllegalArgumentException("not a hex digit near position " + 2 * i);
            b[i] = (byte) (hi << 4 | lo);
        }
        return b;
    }
}
