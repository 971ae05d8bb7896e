package io.parley.conformance.wire;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * SPEC §3.5 decoding procedure, written from the spec alone (independent of both SDKs). Emits
 * frames, stray-byte reports and the first fatal decode error; feed it any split of the input.
 */
public final class FrameDecoder {

    public sealed interface Event permits FrameEvent, StrayEvent, ErrorEvent {}

    public record FrameEvent(Frame frame) implements Event {}

    /** {@code first} holds up to the first 256 of the skipped bytes. */
    public record StrayEvent(long count, byte[] first) implements Event {}

    public record ErrorEvent(int code, String message) implements Event {}

    private static final byte[] MAGIC = {(byte) 0xFA, 0x50, 0x52, 0x4C};

    private volatile long maxFrame;
    private final long maxStray;
    private byte[] buf = new byte[64 * 1024];
    private int start, end; // unprocessed input is buf[start, end)
    private long strayRun; // stray bytes since the last verified header
    private boolean failed;
    private boolean sawHeaderForPending;

    public FrameDecoder(long maxFrame, long maxStray) {
        this.maxFrame = maxFrame;
        this.maxStray = maxStray;
    }

    public void setMaxFrame(long maxFrame) {
        this.maxFrame = maxFrame;
    }

    public boolean failed() {
        return failed;
    }

    /** True while a verified header waits for the rest of its payload (SPEC 1.1 §3.5: the stall clock runs). */
    public boolean insideFrame() {
        return !failed && sawHeaderForPending && end > start;
    }

    public void feed(byte[] data, int off, int len, Consumer<Event> out) {
        if (failed || len == 0) return;
        ensure(len);
        System.arraycopy(data, off, buf, end, len);
        end += len;
        process(out);
    }

    /** End of input; returns a description of what was left over, or null when nothing was. */
    public String eof(Consumer<Event> out) {
        if (failed || end == start) return null;
        int n = end - start;
        String what = sawHeaderForPending ? "truncated frame (" + n + " bytes of an incomplete frame)" : n + " stray bytes";
        if (!sawHeaderForPending) emitStray(start, n, out);
        start = end;
        return what;
    }

    private void ensure(int more) {
        if (end + more <= buf.length) return;
        int live = end - start;
        if (live + more <= buf.length && start > 0) {
            System.arraycopy(buf, start, buf, 0, live);
        } else {
            byte[] n = new byte[Math.max(buf.length * 2, live + more)];
            System.arraycopy(buf, start, n, 0, live);
            buf = n;
        }
        end = live;
        start = 0;
    }

    private void process(Consumer<Event> out) {
        while (!failed) {
            // 1. find the magic
            int m = indexOfMagic();
            if (m < 0) {
                int keep = partialMagicSuffix();
                int stray = end - start - keep;
                if (stray > 0) {
                    emitStray(start, stray, out);
                    start += stray;
                }
                return;
            }
            if (m > start) {
                emitStray(start, m - start, out);
                start = m;
            }
            if (failed) return;
            // 2. wait for the header
            if (end - start < Wire.HEADER) return;
            // 3. verify the checksum
            int crc = Wire.crc32c(buf, start, 20);
            int got = u32(start + 20);
            if (crc != got) {
                emitStray(start, 1, out);
                start += 1;
                continue;
            }
            strayRun = 0;
            sawHeaderForPending = true;
            int version = buf[start + 4] & 0xFF;
            // 4. version
            if (version != 1) {
                fail(out, Wire.UNSUPPORTED_VERSION, "frame version " + version);
                return;
            }
            int metaLen = ((buf[start + 12] & 0xFF) << 8) | (buf[start + 13] & 0xFF);
            long bodyLen = u32(start + 16) & 0xFFFFFFFFL;
            // 5. length, before waiting for the payload
            if (metaLen + bodyLen > maxFrame) {
                fail(out, Wire.FRAME_TOO_LARGE, "payload " + (metaLen + bodyLen) + " > max_frame " + maxFrame);
                return;
            }
            // 6. wait for the payload
            int total = Wire.HEADER + metaLen + (int) bodyLen;
            if (end - start < total) return; // the buffer grows with bytes received only
            // 7. emit
            int kind = buf[start + 5] & 0xFF;
            int flags = ((buf[start + 6] & 0xFF) << 8) | (buf[start + 7] & 0xFF);
            long id = u32(start + 8) & 0xFFFFFFFFL;
            int codec = buf[start + 14] & 0xFF;
            int comp = buf[start + 15] & 0xFF;
            byte[] meta = Arrays.copyOfRange(buf, start + Wire.HEADER, start + Wire.HEADER + metaLen);
            byte[] body = Arrays.copyOfRange(buf, start + Wire.HEADER + metaLen, start + total);
            start += total;
            sawHeaderForPending = false;
            if (start == end) start = end = 0;
            out.accept(new FrameEvent(new Frame(version, kind, flags, id, codec, comp, meta, body)));
        }
    }

    private void emitStray(int from, int n, Consumer<Event> out) {
        strayRun += n;
        out.accept(new StrayEvent(n, Arrays.copyOfRange(buf, from, from + Math.min(n, 256))));
        if (strayRun > maxStray) fail(out, Wire.PROTOCOL_ERROR, "stray limit exceeded (" + strayRun + " bytes)");
    }

    private void fail(Consumer<Event> out, int code, String msg) {
        failed = true;
        out.accept(new ErrorEvent(code, msg));
    }

    private int indexOfMagic() {
        outer:
        for (int i = start; i <= end - 4; i++) {
            for (int k = 0; k < 4; k++) if (buf[i + k] != MAGIC[k]) continue outer;
            return i;
        }
        return -1;
    }

    /** Length (0..3) of the longest suffix of the buffer that is a proper prefix of the magic. */
    private int partialMagicSuffix() {
        for (int k = Math.min(3, end - start); k > 0; k--) {
            boolean ok = true;
            for (int j = 0; j < k; j++) if (buf[end - k + j] != MAGIC[j]) { ok = false; break; }
            if (ok) return k;
        }
        return 0;
    }

    private int u32(int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
    }
}
