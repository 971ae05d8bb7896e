package io.parley.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A transport over a blocking {@link SocketChannel}: Unix domain sockets and plain TCP. Reads and
 * writes go straight to the channel (separate locks inside it), so a blocked read never holds up
 * a write.
 */
public final class ChannelTransport implements Transport {
    private final SocketChannel channel;
    private final Role role;
    private final String description;
    private final String requiredToken;
    private volatile boolean closed;

    ChannelTransport(SocketChannel channel, Role role, String description, String requiredToken) {
        this.channel = channel;
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
        return channel.read(ByteBuffer.wrap(buffer, offset, length));
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
        while (b.hasRemaining()) {
            channel.write(b);
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
        channel.close();
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
