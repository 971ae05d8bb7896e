package io.parley.transport;

import io.parley.internal.FastTransport;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A transport over a pair of blocking streams: the current process's stdin/stdout (a stdio
 * child), or a TLS socket's streams.
 */
public class StreamTransport implements Transport, FastTransport {
    private final InputStream in;
    private final OutputStream out;
    private final Role role;
    private final String description;
    private final int heartbeatMs;
    private final Closeable closer;
    /** Reads cannot be broken by an interrupt (a file or pipe stream), so any thread may read. */
    private final boolean uninterruptibleReads;
    private volatile boolean closed;

    /** What closes the underlying medium. */
    @FunctionalInterface
    public interface Closeable {
        void close() throws IOException;
    }

    public StreamTransport(InputStream in, OutputStream out, Role role, String description, int defaultHeartbeatMs,
            Closeable closer) {
        this.in = in;
        this.out = out;
        this.role = role;
        this.description = description;
        this.heartbeatMs = defaultHeartbeatMs;
        this.closer = closer;
        this.uninterruptibleReads = in instanceof FileInputStream;
    }

    /**
     * This process's own stdin and stdout, as the child of a stdio parent (the acceptor, SPEC
     * §9.1). {@code System.out} is redirected to stderr so that stray prints cannot corrupt frames.
     */
    public static StreamTransport stdio() {
        InputStream in = new java.io.FileInputStream(java.io.FileDescriptor.in);
        OutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        System.setOut(System.err);
        return new StreamTransport(in, out, Role.ACCEPTOR, "stdio (pid " + ProcessHandle.current().pid() + ")", 0, () -> {
            in.close();
            out.close();
        });
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
        return uninterruptibleReads;
    }

    @Override
    public boolean timedReads() {
        return false;
    }

    @Override
    public boolean interruptibleReads() {
        return false;
    }

    /** File streams yes; socket streams (TLS) no: an interrupted virtual thread would close the socket. */
    @Override
    public boolean virtualThreadWrites() {
        return out instanceof java.io.FileOutputStream;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        return read(buffer, offset, length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
    }

    @Override
    public void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        write(a, aOffset, aLength);
        write(b, bOffset, bLength);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void shutdownOutput() throws IOException {
        out.close();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closer.close();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int defaultHeartbeatMs() {
        return heartbeatMs;
    }
}
