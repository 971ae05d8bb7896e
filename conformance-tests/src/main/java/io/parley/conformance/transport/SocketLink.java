package io.parley.conformance.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A Unix-domain or TCP stream. Reads and writes go straight to the channel (one reader thread and
 * one writer may use it concurrently).
 */
public final class SocketLink implements Link {
    private final SocketChannel ch;
    private final String description;
    private final InputStream in;
    private final OutputStream out;

    public SocketLink(SocketChannel ch, String description) throws IOException {
        this.ch = ch;
        this.description = description;
        ch.configureBlocking(true);
        if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        this.in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                return ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) ch.write(bb);
            }
        };
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
        if (ch.isOpen()) ch.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
