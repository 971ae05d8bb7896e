package io.parley.conformance.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A {@link Link} over the shared-memory ring (SPEC §9.4): the bytes the runner writes go into DATA
 * records as they are (hostile ones included), the testee's records come out as one stream;
 * {@link #closeOutput()} is the CLOSE record.
 */
final class RingLink implements Link {
    private final SdkRing.Pipe pipe;
    private final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final String description;
    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (stalled.getCount() == 0) {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("reading stopped");
                }
                return -1;
            }
            return len == 0 ? 0 : pipe.read(b, off, len);
        }
    };
    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) pipe.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            pipe.flush();
        }

        @Override
        public void close() throws IOException {
            closeOutput();
        }
    };

    RingLink(SdkRing.Pipe pipe, String description) {
        this.pipe = pipe;
        this.description = description;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeOutput() throws IOException {
        pipe.shutdownOutput();
    }

    @Override
    public void close() {
        pipe.close();
        closed.countDown();
    }

    @Override
    public void stopReading() {
        stalled.countDown();
    }

    @Override
    public void claimWithoutCommit(int length) throws IOException {
        pipe.claimWithoutCommit(length);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public long lostWakeups() {
        return pipe.lostWakeups();
    }
}
