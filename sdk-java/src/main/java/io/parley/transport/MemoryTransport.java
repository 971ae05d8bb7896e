package io.parley.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two connected in-process transports, for tests and for wiring two sessions inside one JVM.
 * Each direction is a bounded byte pipe (1 MiB), so a writer blocks when its reader falls behind,
 * as with a real pipe.
 */
public final class MemoryTransport implements Transport {
    private final Pipe in;
    private final Pipe out;
    private final Role role;
    private final String name;

    private MemoryTransport(Pipe in, Pipe out, Role role, String name) {
        this.in = in;
        this.out = out;
        this.role = role;
        this.name = name;
    }

    /** Returns {initiator, acceptor}. */
    public static MemoryTransport[] pair() {
        Pipe a = new Pipe(1 << 20);
        Pipe b = new Pipe(1 << 20);
        return new MemoryTransport[] {new MemoryTransport(b, a, Role.INITIATOR, "memory:initiator"),
            new MemoryTransport(a, b, Role.ACCEPTOR, "memory:acceptor")};
    }

    /** Injects bytes as if the peer had written them (stray output, hostile frames in tests). */
    public void inject(byte[] bytes) throws IOException {
        in.write(bytes, 0, bytes.length);
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (true) {
            int n = in.read(buffer, offset, length, 0);
            if (n != 0) {
                return n;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException();
            }
        }
    }

    /** Any thread may read or write; reads are bounded in time and an interrupt ends their wait. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.SELECTABLE;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) {
        return in.read(buffer, offset, length, timeoutNanos);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
    }

    @Override
    public void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        out.write(a, aOffset, aLength);
        out.write(b, bOffset, bLength);
    }

    @Override
    public void flush() {
    }

    @Override
    public void shutdownOutput() {
        out.closeWrite();
    }

    @Override
    public void close() {
        out.closeWrite();
        in.closeRead();
    }

    @Override
    public String description() {
        return name;
    }

    @Override
    public int defaultHeartbeatMs() {
        return 0;
    }

    private static final class Pipe {
        private final byte[] ring;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long written;
        private long read;
        private boolean writeClosed;
        private boolean readClosed;

        Pipe(int capacity) {
            ring = new byte[capacity];
        }

        /** As Transport.read with a bound: 0 when the wait ran out or the thread is interrupted. */
        int read(byte[] b, int off, int len, long timeoutNanos) {
            long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            lock.lock();
            try {
                while (written == read) {
                    if (writeClosed || readClosed) {
                        return -1;
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        return 0;
                    }
                    try {
                        if (deadline == 0) {
                            changed.await();
                        } else {
                            long left = deadline - System.nanoTime();
                            if (left <= 0) {
                                return 0;
                            }
                            changed.awaitNanos(left);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 0;
                    }
                }
                int n = (int) Math.min(len, written - read);
                int at = (int) (read % ring.length);
                int first = Math.min(n, ring.length - at);
                System.arraycopy(ring, at, b, off, first);
                System.arraycopy(ring, 0, b, off + first, n - first);
                read += n;
                changed.signalAll();
                return n;
            } finally {
                lock.unlock();
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                int done = 0;
                while (done < len) {
                    if (writeClosed || readClosed) {
                        throw new IOException("pipe closed");
                    }
                    long space = ring.length - (written - read);
                    if (space == 0) {
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    int n = (int) Math.min(space, len - done);
                    int at = (int) (written % ring.length);
                    int first = Math.min(n, ring.length - at);
                    System.arraycopy(b, off + done, ring, at, first);
                    System.arraycopy(b, off + done + first, ring, 0, n - first);
                    written += n;
                    done += n;
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        void closeWrite() {
            lock.lock();
            try {
                writeClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeRead() {
            lock.lock();
            try {
                readClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
