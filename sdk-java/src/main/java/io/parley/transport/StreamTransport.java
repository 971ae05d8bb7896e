package io.parley.transport;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A transport over a pair of blocking streams (SPEC §9): the one read/write implementation that
 * the stream media share. Used as is for this process's stdio ({@link #stdio()}) and TLS sockets,
 * and as the base of {@link ChildProcessTransport} (the child's pipes) and plain TCP sockets,
 * which add only what differs: process management, a timed read, the half-close.
 *
 * <p>Capabilities default from the streams: file and pipe streams ({@link FileInputStream}) may be
 * read by any thread, as an interrupt does not break them; socket streams may not.
 */
public class StreamTransport implements Transport {
    private final InputStream in;
    private final OutputStream out;
    private final Role role;
    private final String description;
    private final int heartbeatMs;
    private final Closeable closer;
    private final Capabilities capabilities;
    private volatile boolean closed;

    /**
     * A transport over {@code in} and {@code out}; {@code closer} releases the medium (both streams,
     * a socket) when the session closes.
     */
    public StreamTransport(InputStream in, OutputStream out, Role role, String description, int defaultHeartbeatMs,
            Closeable closer) {
        this(in, out, role, description, defaultHeartbeatMs, closer,
                new Capabilities(in instanceof FileInputStream, false, false, out instanceof FileOutputStream));
    }

    /** As the public constructor, with the capabilities the subclass's medium has. */
    protected StreamTransport(InputStream in, OutputStream out, Role role, String description, int defaultHeartbeatMs,
            Closeable closer, Capabilities capabilities) {
        this.in = in;
        this.out = out;
        this.role = role;
        this.description = description;
        this.heartbeatMs = defaultHeartbeatMs;
        this.closer = closer;
        this.capabilities = capabilities;
    }

    /**
     * This process's own stdin and stdout, as the child of a stdio parent (the acceptor, SPEC
     * §9.1). {@code System.out} is redirected to stderr so that stray prints cannot corrupt frames.
     */
    public static StreamTransport stdio() {
        InputStream in = new FileInputStream(java.io.FileDescriptor.in);
        OutputStream out = new FileOutputStream(java.io.FileDescriptor.out);
        System.setOut(System.err);
        return new StreamTransport(in, out, Role.ACCEPTOR, "stdio (pid " + ProcessHandle.current().pid() + ")", 0, () -> {
            in.close();
            out.close();
        });
    }

    @Override
    public final Role role() {
        return role;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    /** A file or pipe stream counts its ready bytes ({@code FIONREAD}); other streams cannot tell ({@code -1}). */
    @Override
    public int readable() throws IOException {
        return in instanceof FileInputStream ? in.available() : -1;
    }

    @Override
    public final void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
    }

    @Override
    public final void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        out.write(a, aOffset, aLength);
        out.write(b, bOffset, bLength);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Closes the output stream; subclasses over sockets half-close the socket instead. */
    @Override
    public void shutdownOutput() throws IOException {
        out.close();
    }

    /** Idempotent: the first call runs {@link #closeMedium()}. */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closeMedium();
    }

    /** Releases the medium, once: runs the closer given to the constructor. */
    protected void closeMedium() throws IOException {
        if (closer != null) {
            closer.close();
        }
    }

    /** The input stream, for subclasses (a timed read, a close). */
    protected final InputStream input() {
        return in;
    }

    /** The output stream, for subclasses (the half-close). */
    protected final OutputStream output() {
        return out;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public int defaultHeartbeatMs() {
        return heartbeatMs;
    }
}
