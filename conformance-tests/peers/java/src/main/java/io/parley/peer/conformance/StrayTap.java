package io.parley.peer.conformance;

import io.parley.PeerGoneException;
import io.parley.transport.Capabilities;
import io.parley.transport.Transport;
import java.io.IOException;

/**
 * A {@link Transport} that passes everything through to the real one (capabilities included) and
 * can write raw bytes between two of the session's writes: the stray output of the conformance
 * service's {@code print-stray} (SPEC §3.6). The session writes whole frames per call, so bytes
 * injected under the same lock land between frames.
 */
public final class StrayTap implements Transport {
    private final Transport inner;
    private final Object writeLock = new Object();

    public StrayTap(Transport inner) {
        this.inner = inner;
    }

    /** Writes {@code bytes} raw onto the stream, between two frames. */
    public void inject(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            inner.write(bytes, 0, bytes.length);
            inner.flush();
        }
    }

    @Override
    public Role role() {
        return inner.role();
    }

    @Override
    public Capabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return inner.read(buffer, offset, length);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        return inner.read(buffer, offset, length, timeoutNanos);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        synchronized (writeLock) {
            inner.write(buffer, offset, length);
        }
    }

    @Override
    public void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        synchronized (writeLock) {
            inner.write(a, aOffset, aLength, b, bOffset, bLength);
        }
    }

    @Override
    public void flush() throws IOException {
        inner.flush();
    }

    @Override
    public void shutdownOutput() throws IOException {
        inner.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public PeerGoneException peerGone(String what) {
        return inner.peerGone(what);
    }

    @Override
    public int defaultHeartbeatMs() {
        return inner.defaultHeartbeatMs();
    }

    @Override
    public String requiredToken() {
        return inner.requiredToken();
    }
}
