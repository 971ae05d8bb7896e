package io.parley.transport;

import io.parley.PeerGoneException;
import java.io.IOException;

/**
 * A child that declined the shared-memory ring (SPEC §9.4 "Declining"): the session runs over the
 * ring's Unix socket, and the child process's lifetime and failure report go with it, as with
 * stdio (SPEC §9.1).
 */
final class ChildSocketTransport implements Transport {
    private final ChannelTransport socket;
    private final ChildProcessTransport process;

    ChildSocketTransport(ChannelTransport socket, ChildProcessTransport process) {
        this.socket = socket;
        this.process = process;
    }

    ChildProcessTransport process() {
        return process;
    }

    @Override
    public Role role() {
        return socket.role();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return socket.read(buffer, offset, length);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        return socket.read(buffer, offset, length, timeoutNanos);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        socket.write(buffer, offset, length);
    }

    @Override
    public void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        socket.write(a, aOffset, aLength, b, bOffset, bLength);
    }

    @Override
    public Capabilities capabilities() {
        return socket.capabilities();
    }

    @Override
    public void flush() throws IOException {
        socket.flush();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes the socket, then the child as {@link ChildProcessTransport#close()} does (grace, SIGTERM, SIGKILL). */
    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            process.close();
        }
    }

    @Override
    public String description() {
        return socket.description();
    }

    @Override
    public PeerGoneException peerGone(String what) {
        return process.peerGone(what);
    }

    @Override
    public int defaultHeartbeatMs() {
        return 0;
    }
}
