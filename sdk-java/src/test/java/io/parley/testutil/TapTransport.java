package io.parley.testutil;

import io.parley.PeerGoneException;
import io.parley.Session;
import io.parley.transport.Capabilities;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test {@link Transport} that passes everything through to the real one (capabilities included),
 * counts the session's writes (how well frames coalesce) and can write raw bytes between two of
 * them: stray output (SPEC §3.6) for {@link TestService}'s {@code print-stray}. The session writes
 * whole frames per call, so bytes injected under the same lock land between frames. Sessions
 * register their tap with {@link #register} so that a handler can find it.
 */
public final class TapTransport implements Transport {
    private final Transport inner;
    private static final Map<Session, TapTransport> TAPS = Collections.synchronizedMap(new WeakHashMap<>());
    private final Object writeLock = new Object();
    private final AtomicLong writes = new AtomicLong();
    /** Every thread that read from this transport. */
    private final java.util.Set<Thread> readers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Makes {@code tap} the transport {@link #of} finds for {@code session}. */
    public static void register(Session session, TapTransport tap) {
        TAPS.put(session, tap);
    }

    /** The tap registered for {@code session}, waiting (bounded) for a registration that races with open(). */
    public static TapTransport of(Session session) {
        long until = System.nanoTime() + 2_000_000_000L;
        TapTransport tap;
        while ((tap = TAPS.get(session)) == null && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        return tap;
    }

    /** Writes the session made so far. */
    public long writes() {
        return writes.get();
    }

    public TapTransport(Transport inner) {
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

    /** Whether {@code t} has read from this transport. */
    public boolean readOn(Thread t) {
        return readers.contains(t);
    }

    @Override
    public int readable() throws IOException {
        return inner.readable();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        readers.add(Thread.currentThread());
        return inner.read(buffer, offset, length);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        readers.add(Thread.currentThread());
        return inner.read(buffer, offset, length, timeoutNanos);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        synchronized (writeLock) {
            writes.incrementAndGet();
            inner.write(buffer, offset, length);
        }
    }

    @Override
    public void write(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) throws IOException {
        synchronized (writeLock) {
            writes.incrementAndGet();
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
