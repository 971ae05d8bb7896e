package io.parley.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Plain TCP over a {@link java.net.Socket} (SPEC §9.3), on the shared {@link StreamTransport}
 * plumbing. Its reads on platform threads block in {@code read(2)} directly, are not broken by an
 * interrupt (unlike a blocking {@code SocketChannel}, which an interrupt closes) and can be bounded
 * with {@code SO_TIMEOUT}; waiting for input costs no selector, which on loopback TCP saves 1–2 µs
 * per receive.
 *
 * <p>Virtual threads must not do I/O on it (an interrupted virtual thread closes a socket, and its
 * use switches the socket to non-blocking mode for good): the session never lets them read, and
 * hands their writes to its own threads ({@link Capabilities#virtualThreadWrites()} is false).
 */
final class SocketTransport extends StreamTransport {
    private static final Capabilities SOCKET = new Capabilities(true, true, false, false);
    private final Socket socket;
    private final String requiredToken;

    SocketTransport(Socket socket, Role role, String description, String requiredToken) throws IOException {
        super(socket.getInputStream(), socket.getOutputStream(), role, description, 15_000, socket::close, SOCKET);
        this.socket = socket;
        this.requiredToken = requiredToken;
    }

    /**
     * A read bounded by {@code SO_TIMEOUT}. The JDK then keeps the socket non-blocking (a wait
     * becomes read, poll, read), so a session that never reads with a deadline keeps the plain
     * blocking read.
     */
    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        if (timeoutNanos <= 0) {
            return read(buffer, offset, length);
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999))));
        try {
            return read(buffer, offset, length);
        } catch (SocketTimeoutException e) {
            return 0;
        } finally {
            socket.setSoTimeout(0);
        }
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

    /** True unless the socket is connected to a loopback address. */
    @Override
    public boolean reachesOtherHost() {
        java.net.InetAddress peer = socket.getInetAddress();
        return peer != null && !peer.isLoopbackAddress();
    }

    @Override
    public String requiredToken() {
        return requiredToken;
    }
}
