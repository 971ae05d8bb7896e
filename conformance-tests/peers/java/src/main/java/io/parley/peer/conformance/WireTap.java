package io.parley.peer.conformance;

import io.parley.PeerGoneException;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link Transport} that passes everything through to the real one and keeps the header of
 * every frame in both directions ({@link WireFrame}), so a case can check what actually went over
 * the wire (compression used, chunking, no PROGRESS, no answer to a notification) and quote the
 * frames in its failure detail.
 */
final class WireTap implements Transport {
    private static final int MAX_KEPT = 200_000;

    private final Transport inner;
    private final List<WireFrame> frames = new ArrayList<>();
    private final FrameScanner in = new FrameScanner(false, this::keep);
    private final FrameScanner out = new FrameScanner(true, this::keep);

    WireTap(Transport inner) {
        this.inner = inner;
    }

    Transport inner() {
        return inner;
    }

    private synchronized void keep(WireFrame f) {
        if (frames.size() < MAX_KEPT) {
            frames.add(f);
        }
    }

    /** Every frame so far, in the order this side saw it sent or received. */
    synchronized List<WireFrame> frames() {
        return List.copyOf(frames);
    }

    /** How many frames have been seen so far: a mark for {@link #since(int)}. */
    synchronized int mark() {
        return frames.size();
    }

    synchronized List<WireFrame> since(int mark) {
        return List.copyOf(frames.subList(Math.min(mark, frames.size()), frames.size()));
    }

    List<WireFrame> matching(Predicate<WireFrame> p) {
        return frames().stream().filter(p).toList();
    }

    @Override
    public Role role() {
        return inner.role();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = inner.read(buffer, offset, length);
        if (n > 0) {
            in.feed(buffer, offset, n);
        }
        return n;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.feed(buffer, offset, length);
        inner.write(buffer, offset, length);
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
