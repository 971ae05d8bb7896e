package io.parley.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A transport over a {@link SocketChannel}: Unix domain sockets (plain TCP uses {@code java.net.Socket}, see
 * {@link TcpSockets}).
 *
 * <p>The channel is non-blocking and waits happen in a {@link Selector}, one per direction. Any
 * thread may read or write, including application threads that get interrupted: an interrupt only
 * ends a wait (a blocking channel would be closed by it), and a read can be bounded in time. The
 * session uses this to let a blocking call read its own answer. A blocked read never holds up a
 * write.
 */
public final class ChannelTransport implements Transport {
    private static final int WRITE_SLICE = 256 * 1024;
    private final SocketChannel channel;
    private final Role role;
    private final String description;
    private final String requiredToken;
    private final Selector readable;
    private final Selector writable;
    /** The last read filled the buffer: more is probably waiting, so try before waiting. */
    private boolean lastReadFull;
    /** Wrappers of the arrays last read into and written from (the session reuses its buffers). */
    private ByteBuffer readWrapper = ByteBuffer.allocate(0);
    private final ByteBuffer[] writeWrappers = {ByteBuffer.allocate(0), ByteBuffer.allocate(0)};
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private volatile boolean closed;
    /** Bytes read before this transport existed (the listener's look at the first frame), served first. */
    private byte[] prefix;
    private int prefixAt;

    ChannelTransport(SocketChannel channel, Role role, String description, String requiredToken) throws IOException {
        this(channel, role, description, requiredToken, null);
    }

    /** As the other constructor; {@code prefix} holds bytes already read from the channel, returned by the first reads. */
    ChannelTransport(SocketChannel channel, Role role, String description, String requiredToken, byte[] prefix) throws IOException {
        this.prefix = prefix == null || prefix.length == 0 ? null : prefix;
        this.channel = channel;
        this.role = role;
        this.description = description;
        this.requiredToken = requiredToken;
        channel.configureBlocking(false);
        Selector r = null;
        Selector w = null;
        try {
            r = Selector.open();
            w = Selector.open();
            channel.register(r, SelectionKey.OP_READ);
            channel.register(w, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            if (r != null) {
                r.close();
            }
            if (w != null) {
                w.close();
            }
            throw e;
        }
        this.readable = r;
        this.writable = w;
    }

    @Override
    public Role role() {
        return role;
    }

    /** True for a TCP channel to a non-loopback address; false for Unix sockets and loopback. */
    @Override
    public boolean reachesOtherHost() {
        try {
            return channel.getRemoteAddress() instanceof java.net.InetSocketAddress a
                    && a.getAddress() != null && !a.getAddress().isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** Any thread may read or write; reads are bounded in time and an interrupt ends their wait. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.SELECTABLE;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (true) {
            int n = read(buffer, offset, length, 0);
            if (n != 0) {
                return n;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while reading from " + description);
            }
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        byte[] early = prefix;
        if (early != null && length > 0) {
            int n = Math.min(length, early.length - prefixAt);
            System.arraycopy(early, prefixAt, buffer, offset, n);
            prefixAt += n;
            if (prefixAt == early.length) {
                prefix = null;
            }
            return n;
        }
        ByteBuffer b = readWrapper;
        if (!b.hasArray() || b.array() != buffer) {
            b = ByteBuffer.wrap(buffer);
            readWrapper = b;
        }
        b.limit(offset + length).position(offset);
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        boolean tryFirst = lastReadFull;
        while (true) {
            if (tryFirst) {
                int n = channel.read(b);
                if (n != 0) {
                    lastReadFull = n == length;
                    return n < 0 ? -1 : n;
                }
            }
            tryFirst = true;
            if (Thread.currentThread().isInterrupted()) {
                return 0;
            }
            long millis = 0;
            if (deadline != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
            }
            await(readable, millis);
            if (closed) {
                throw new IOException(description + " is closed");
            }
        }
    }

    private static final java.util.function.Consumer<SelectionKey> IGNORE = k -> { };

    private static void await(Selector s, long millis) throws IOException {
        try {
            if (millis > 0) {
                s.select(IGNORE, millis);
            } else {
                s.select(IGNORE);
            }
        } catch (ClosedSelectorException e) {
            throw new IOException("transport closed", e);
        }
    }

    /** A wrapper of {@code a[offset, offset + length)}, reused for the two buffers the session alternates. Writes are serialised. */
    private ByteBuffer wrapForWrite(byte[] a, int offset, int length) {
        ByteBuffer w = writeWrappers[0];
        if (w.array() != a) {
            w = writeWrappers[1];
            if (w.array() != a) {
                w = ByteBuffer.wrap(a);
                writeWrappers[1] = writeWrappers[0];
                writeWrappers[0] = w;
            }
        }
        w.limit(offset + length).position(offset);
        return w;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer b = wrapForWrite(buffer, offset, length);
        boolean interrupted = false;
        try {
            int end = offset + length;
            while (b.hasRemaining()) {
                // one slice at a time: the JDK copies everything remaining into a direct buffer on each
                // attempt, so a 1 MiB write taken 200 KB at a time would copy 3 MiB
                b.limit(Math.min(end, b.position() + WRITE_SLICE));
                if (channel.write(b) == 0) {
                    interrupted |= waitWritable();
                }
                b.limit(end);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        if ((long) aLength + bLength > WRITE_SLICE) {
            write(a, aOffset, aLength);
            write(b, bOffset, bLength);
            return;
        }
        ByteBuffer[] bufs = pair;
        bufs[0] = wrapForWrite(a, aOffset, aLength);
        bufs[1] = ByteBuffer.wrap(b, bOffset, bLength);
        try {
            write(bufs);
        } finally {
            bufs[1] = null;
        }
    }

    /** Waits until the socket takes more (the peer reads); an interrupt only ends the wait. Returns whether one came. */
    private boolean waitWritable() throws IOException {
        boolean interrupted = Thread.interrupted();
        await(writable, 0);
        if (closed) {
            throw new IOException(description + " is closed");
        }
        return interrupted;
    }

    private void write(ByteBuffer[] bufs) throws IOException {
        ByteBuffer last = bufs[bufs.length - 1];
        boolean interrupted = false;
        try {
            while (last.hasRemaining()) {
                if (channel.write(bufs) == 0 && last.hasRemaining()) {
                    // the socket buffer is full: wait until the peer reads (an interrupt only ends the wait)
                    interrupted |= Thread.interrupted();
                    await(writable, 0);
                    if (closed) {
                        throw new IOException(description + " is closed");
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void flush() {
        // channel writes are unbuffered
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } finally {
            readable.wakeup();
            writable.wakeup();
            readable.close();
            writable.close();
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String requiredToken() {
        return requiredToken;
    }
}
