package io.parley.testutil;

import io.parley.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes everything through to a real transport and keeps a copy of every byte written, so a test
 * can check which frames went out (e.g. that a body was really compressed).
 */
public final class RecordingTransport implements Transport {
    private final Transport inner;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    private final boolean otherHost;

    public RecordingTransport(Transport inner) {
        this(inner, inner.reachesOtherHost());
    }

    /** As the other constructor, but answers {@link #reachesOtherHost()} with {@code otherHost}. */
    public RecordingTransport(Transport inner, boolean otherHost) {
        this.inner = inner;
        this.otherHost = otherHost;
    }

    @Override
    public boolean reachesOtherHost() {
        return otherHost;
    }

    /** Header fields of a written frame. */
    public record Header(int kind, int flags, long id, int codec, int compression, int metaLength, long bodyLength) {
    }

    /** Every frame written so far (an SDK writes only whole frames, no stray bytes). */
    public synchronized List<Header> writtenFrames() {
        byte[] b = written.toByteArray();
        List<Header> out = new ArrayList<>();
        int p = 0;
        while (p + 24 <= b.length) {
            int metaLength = ((b[p + 12] & 0xFF) << 8) | (b[p + 13] & 0xFF);
            long bodyLength = Integer.toUnsignedLong(((b[p + 16] & 0xFF) << 24) | ((b[p + 17] & 0xFF) << 16) | ((b[p + 18] & 0xFF) << 8)
                    | (b[p + 19] & 0xFF));
            long id = Integer.toUnsignedLong(((b[p + 8] & 0xFF) << 24) | ((b[p + 9] & 0xFF) << 16) | ((b[p + 10] & 0xFF) << 8)
                    | (b[p + 11] & 0xFF));
            out.add(new Header(b[p + 5] & 0xFF, ((b[p + 6] & 0xFF) << 8) | (b[p + 7] & 0xFF), id, b[p + 14] & 0xFF, b[p + 15] & 0xFF,
                    metaLength, bodyLength));
            p += 24 + metaLength + (int) bodyLength;
        }
        return out;
    }

    @Override
    public Role role() {
        return inner.role();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return inner.read(buffer, offset, length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        synchronized (this) {
            written.write(buffer, offset, length);
        }
        inner.write(buffer, offset, length);
    }

    @Override
    public void flush() throws IOException {
        inner.flush();
    }

    @Override
    public void shutdownOutput() throws IOException {
        inner.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    @Override
    public String description() {
        return "recording " + inner.description();
    }

    @Override
    public int defaultHeartbeatMs() {
        return inner.defaultHeartbeatMs();
    }
}
