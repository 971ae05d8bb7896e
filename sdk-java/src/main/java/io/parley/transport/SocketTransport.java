package io.parley.transport;

import io.parley.internal.FastTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Plain TCP over a {@link java.net.Socket} (SPEC §9.3). Its reads on platform threads block in
 * {@code read(2)} directly, are not broken by an interrupt (unlike a blocking {@code
 * SocketChannel}, which an interrupt closes) and can be bounded with {@code SO_TIMEOUT}; waiting
 * for input costs no selector, which on loopback TCP saves 1–2 µs per receive.
 *
 * <p>Virtual threads must not do I/O on it (an interrupted virtual thread closes a socket, and its
 * use switches the socket to non-blocking mode for good): the session never lets them read, and
 * hands their writes to its own threads ({@link #virtualThreadWrites()}).
 */
final class SocketTransport implements Transport, FastTransport {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Role role;
    private final String description;
    private final String requiredToken;
    private volatile boolean closed;

    SocketTransport(Socket socket, Role role, String description, String requiredToken) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.role = role;
        this.description = description;
        this.requiredToken = requiredToken;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    @Override
    public boolean sharedReads() {
        return true;
    }

    @Override
    public boolean timedReads() {
        return true;
    }

    @Override
    public boolean interruptibleReads() {
        return false;
    }

    @Override
    public boolean virtualThreadWrites() {
        return false;
    }

    /**
     * A read bounded by {@code SO_TIMEOUT}. The JDK then keeps the socket non-blocking (a wait
     * becomes read, poll, read), so a session that never reads with a deadline keeps the plain
     * blocking read.
     */
    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        if (timeoutNanos <= 0) {
            return in.read(buffer, offset, length);
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999))));
        try {
            return in.read(buffer, offset, length);
        } catch (SocketTimeoutException e) {
            return 0;
        } finally {
            socket.setSoTimeout(0);
        }
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
        // socket writes are unbuffered
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (!socket.isClosed() && !socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        socket.close();
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
