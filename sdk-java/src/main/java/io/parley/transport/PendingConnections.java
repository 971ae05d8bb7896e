package io.parley.transport;

import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameKind;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop of a socket listener, and the waiting room of its connections before their
 * first frame (SPEC §8.2, §9; issue 12 fault 4). One thread and one selector per listener: a
 * connection is accepted, waits without a thread of its own until the peer's first frame has
 * arrived (the Parley HELLO, or a TLS ClientHello record), and only then is handed to {@link
 * #accept()}. Each waiting connection holds one descriptor and the bytes it sent, at most {@link
 * #PARLEY_PREFIX_LIMIT} (plain) or {@link #TLS_PREFIX_LIMIT} (TLS).
 *
 * <p>At most {@link ListenOptions#maxPendingHandshakes()} connections wait (handed-over ones not
 * yet taken count too): one more closes the one that has waited longest. A connection silent past
 * the handshake timeout is closed. When {@code accept(2)} fails (EMFILE, ENFILE, ...), the loop
 * logs once, pauses accepting with a growing back-off (10 ms to 1 s) and goes on; it never dies
 * while the listener is open.
 *
 * <p>A TLS ClientHello on a plain listener, or a Parley magic on a TLS listener, is a peer that
 * speaks the other dialect: the connection is closed at once, a plain Parley peer after a fatal
 * HANDSHAKE_FAILED ERROR that says so (SPEC §9.3).
 */
final class PendingConnections implements Closeable {
    /** Bytes a plain connection may send before it is handed over even without a complete first frame. */
    static final int PARLEY_PREFIX_LIMIT = 4096;
    /** A ClientHello record is at most 5 + 2^14 bytes (RFC 8446 §5.1), plus slack for a stray tail. */
    static final int TLS_PREFIX_LIMIT = 5 + 16_384 + 256;
    private static final Logger LOG = LoggerFactory.getLogger(PendingConnections.class);
    private static final int HANDSHAKE_FAILED = -33010;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The dialect a listener expects as the first bytes of a connection. */
    enum Dialect { PARLEY, TLS }

    /** Makes the transport of a connection whose first frame has arrived; {@code prefix} is what was read of it. */
    interface Handover {
        Transport open(SocketChannel channel, byte[] prefix) throws IOException;
    }

    private final ServerSocketChannel server;
    private final String name;
    private final Dialect dialect;
    private final int maxPending;
    private final long timeoutNanos;
    private final Handover handover;
    private final Selector selector;
    private final SelectionKey acceptKey;
    private final ByteBuffer scratch;
    /** Connections waiting for their first frame, oldest first. Only the loop thread touches it. */
    private final LinkedHashSet<Pending> pending = new LinkedHashSet<>();
    /** Connections whose first frame has arrived, for {@link #accept()}; a {@link #CLOSED} marker ends them. */
    private final LinkedBlockingQueue<Object> ready = new LinkedBlockingQueue<>();
    /** Complete connections of this selection round: queued once their keys are deregistered. */
    private final java.util.ArrayList<Ready> handed = new java.util.ArrayList<>();
    private volatile boolean closed;
    private long backoffNanos;
    private long resumeAt;
    private boolean acceptFailureLogged;
    private boolean dialectMismatchLogged;
    private long evicted;
    private long expired;

    private static final Object CLOSED = new Object();

    static {
        // On JDK 17 the NIO class that closes sockets opens a descriptor of its own the first time it
        // is used; if that first use happens when the process is out of descriptors, its class never
        // initialises and every later close throws, which killed the accept loop. Initialise it now,
        // while descriptors are free (absent on other JDKs: nothing to do).
        try {
            Class.forName("sun.nio.ch.FileDispatcherImpl", true, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException | LinkageError ignored) {
            // another JDK layout, or already failed: the loop's error handling reports it
        }
    }

    private static final class Pending {
        final SocketChannel channel;
        final long deadline;
        byte[] bytes = new byte[0];
        SelectionKey key;

        Pending(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    private record Ready(SocketChannel channel, byte[] prefix) {
    }

    PendingConnections(ServerSocketChannel server, String name, Dialect dialect, ListenOptions options, Handover handover)
            throws IOException {
        this.server = server;
        this.name = name;
        this.dialect = dialect;
        this.maxPending = options.maxPendingHandshakes();
        this.timeoutNanos = options.handshakeTimeout().toNanos();
        this.handover = handover;
        this.scratch = ByteBuffer.allocate(dialect == Dialect.TLS ? TLS_PREFIX_LIMIT : PARLEY_PREFIX_LIMIT);
        server.configureBlocking(false);
        this.selector = Selector.open();
        try {
            this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        Thread loop = new Thread(this::run, "parley-accept " + name);
        loop.setDaemon(true);
        loop.start();
    }

    /** Blocks until a connection's first frame has arrived; throws once the listener is closed. */
    Transport accept() throws IOException {
        while (true) {
            Object next;
            try {
                next = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while accepting on " + name);
            }
            if (next == CLOSED) {
                ready.offer(CLOSED); // for other threads blocked in accept()
                throw new IOException("listener " + name + " is closed");
            }
            Ready r = (Ready) next;
            selector.wakeup(); // a free place: the loop may accept again if it paused at the cap
            try {
                return handover.open(r.channel(), r.prefix());
            } catch (IOException | RuntimeException e) {
                closeQuietly(r.channel());
                LOG.warn("listener {}: dropped a connection: {}", name, e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            server.close();
        } finally {
            ready.offer(CLOSED);
        }
    }

    private void run() {
        try {
            while (!closed) {
                long now = System.nanoTime();
                expire(now);
                updateAcceptInterest(now);
                long wait = nextWakeUp(now);
                selector.select(this::onReady, wait);
                if (!handed.isEmpty()) {
                    // complete the cancellation of their keys, so the channels can change blocking mode
                    selector.selectNow(key -> { });
                    ready.addAll(handed);
                    handed.clear();
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.error("listener {}: accept loop failed, no more connections are accepted: {}", name, e.toString());
            }
        } catch (RuntimeException | Error e) {
            // accept() callers must hear of it (the finally block ends them) rather than wait forever
            LOG.error("listener {}: accept loop failed, no more connections are accepted", name, e);
            throw e;
        } finally {
            for (Pending p : pending) {
                closeQuietly(p.channel);
            }
            pending.clear();
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            for (Object o; (o = ready.poll()) != null; ) {
                if (o instanceof Ready r) {
                    closeQuietly(r.channel());
                }
            }
            ready.offer(CLOSED);
        }
    }

    private long nextWakeUp(long now) {
        long until = Long.MAX_VALUE;
        if (!pending.isEmpty()) {
            until = pending.iterator().next().deadline - now;
        }
        if (resumeAt != 0) {
            until = Math.min(until, resumeAt - now);
        }
        if (until == Long.MAX_VALUE) {
            return 0; // no bound
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(until + 999_999));
    }

    private void onReady(SelectionKey key) {
        if (key == acceptKey) {
            if (key.isValid() && key.isAcceptable()) {
                acceptAll();
            }
            return;
        }
        Pending p = (Pending) key.attachment();
        if (key.isValid() && key.isReadable()) {
            readFrom(p);
        }
    }

    /** Accept interest is off during a back-off, and while the cap is taken by connections nobody has accepted yet. */
    private void updateAcceptInterest(long now) {
        if (resumeAt != 0 && now - resumeAt >= 0) {
            resumeAt = 0;
        }
        boolean full = pending.isEmpty() && ready.size() >= maxPending;
        boolean want = resumeAt == 0 && !full;
        if (acceptKey.isValid()) {
            acceptKey.interestOps(want ? SelectionKey.OP_ACCEPT : 0);
        }
    }

    private void acceptAll() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                backOff(e);
                return;
            }
            if (ch == null) {
                return;
            }
            if (backoffNanos != 0) {
                LOG.info("listener {}: accepting connections again", name);
                backoffNanos = 0;
                acceptFailureLogged = false;
            }
            if (!makeRoom()) {
                closeQuietly(ch); // every place is taken by connections waiting for accept(): refuse
                continue;
            }
            Pending p = new Pending(ch, System.nanoTime() + timeoutNanos);
            try {
                ch.configureBlocking(false);
                p.key = ch.register(selector, SelectionKey.OP_READ, p);
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            pending.add(p);
        }
    }

    /** Frees a place under the cap by closing the connection that has waited longest; false if none waits. */
    private boolean makeRoom() {
        while (pending.size() + ready.size() + handed.size() >= maxPending) {
            Iterator<Pending> it = pending.iterator();
            if (!it.hasNext()) {
                return false;
            }
            Pending oldest = it.next();
            it.remove();
            drop(oldest);
            if (evicted++ % 1000 == 0) {
                LOG.warn("listener {}: {} connections are waiting for their handshake (the cap): closed the one waiting "
                        + "longest ({} so far); raise ListenOptions.maxPendingHandshakes if this load is legitimate",
                        name, maxPending, evicted);
            }
        }
        return true;
    }

    private void backOff(IOException e) {
        backoffNanos = backoffNanos == 0 ? MIN_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        resumeAt = System.nanoTime() + backoffNanos;
        if (resumeAt == 0) {
            resumeAt = 1;
        }
        if (!acceptFailureLogged) {
            acceptFailureLogged = true;
            LOG.warn("listener {}: accept failed ({}); pausing accepts and retrying (up to every {} ms) until it succeeds. "
                    + "If it says 'Too many open files', raise the descriptor limit (ulimit -n) or lower "
                    + "ListenOptions.maxPendingHandshakes", name, e.getMessage(), TimeUnit.NANOSECONDS.toMillis(MAX_BACKOFF_NANOS));
        }
        if (acceptKey.isValid()) {
            acceptKey.interestOps(0);
        }
    }

    private void expire(long now) {
        Iterator<Pending> it = pending.iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.deadline - now > 0) {
                return;
            }
            it.remove();
            drop(p);
            if (expired++ % 1000 == 0) {
                LOG.info("listener {}: closed a connection that sent no handshake within {} ms ({} so far)", name,
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos), expired);
            }
        }
    }

    private void readFrom(Pending p) {
        ByteBuffer b = scratch.clear();
        b.limit(scratch.capacity() - p.bytes.length);
        int n;
        try {
            n = p.channel.read(b);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            pending.remove(p);
            drop(p);
            return;
        }
        if (n == 0) {
            return;
        }
        byte[] grown = Arrays.copyOf(p.bytes, p.bytes.length + n);
        System.arraycopy(scratch.array(), 0, grown, p.bytes.length, n);
        p.bytes = grown;
        switch (classify(p.bytes)) {
            case WAIT:
                return;
            case OTHER_DIALECT:
                pending.remove(p);
                refuseOtherDialect(p);
                return;
            default:
                pending.remove(p);
                p.key.cancel();
                handed.add(new Ready(p.channel, p.bytes));
        }
    }

    private enum Verdict { WAIT, COMPLETE, OTHER_DIALECT }

    private Verdict classify(byte[] in) {
        return dialect == Dialect.TLS ? classifyTls(in) : classifyParley(in);
    }

    /** Complete once a whole first frame is here (stray bytes before it allowed), or the prefix limit is reached. */
    static Verdict classifyParley(byte[] in) {
        if (in.length >= 2 && in[0] == 0x16 && in[1] == 0x03) {
            return Verdict.OTHER_DIALECT; // a TLS record header (handshake, SSL 3.0/TLS 1.x)
        }
        if (in.length >= PARLEY_PREFIX_LIMIT) {
            return Verdict.COMPLETE;
        }
        int at = indexOfMagic(in);
        if (at < 0 || in.length - at < FrameDescriptor.HEADER_LENGTH) {
            return Verdict.WAIT;
        }
        long payload = (u16(in, at + FrameDescriptor.META_LENGTH_OFFSET))
                + ((u16(in, at + FrameDescriptor.BODY_LENGTH_OFFSET) << 16 | u16(in, at + FrameDescriptor.BODY_LENGTH_OFFSET + 2)));
        if (payload > FrameDescriptor.HANDSHAKE_MAX_FRAME - FrameDescriptor.HEADER_LENGTH) {
            return Verdict.COMPLETE; // too large to be a first frame: the session refuses it (FRAME_TOO_LARGE, §3.2)
        }
        return in.length - at - FrameDescriptor.HEADER_LENGTH >= payload ? Verdict.COMPLETE : Verdict.WAIT;
    }

    /** Complete once the first TLS record (the ClientHello) is here. */
    static Verdict classifyTls(byte[] in) {
        if (in.length >= 4 && indexOfMagic(in) == 0) {
            return Verdict.OTHER_DIALECT;
        }
        if (in.length >= TLS_PREFIX_LIMIT) {
            return Verdict.COMPLETE;
        }
        if (in.length < 5) {
            return Verdict.WAIT;
        }
        long record = u16(in, 3);
        return in.length >= 5 + record ? Verdict.COMPLETE : Verdict.WAIT;
    }

    private static long u16(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 8) | (b[i + 1] & 0xFFL);
    }

    private static int indexOfMagic(byte[] in) {
        for (int i = 0; i + 3 < in.length; i++) {
            if (in[i] == (byte) 0xFA && in[i + 1] == 'P' && in[i + 2] == 'R' && in[i + 3] == 'L') {
                return i;
            }
        }
        return -1;
    }

    private void refuseOtherDialect(Pending p) {
        String what;
        if (dialect == Dialect.TLS) {
            what = "a plain (non-TLS) Parley client connected to this TLS listener";
            sendRefusal(p.channel, "this listener speaks TLS and the client does not: connect with TLS (tls://)");
        } else {
            what = "a TLS client connected to this plain (non-TLS) listener";
        }
        if (!dialectMismatchLogged) {
            dialectMismatchLogged = true;
            LOG.warn("listener {}: {}; closed it (logged once)", name, what);
        } else {
            LOG.debug("listener {}: {}; closed it", name, what);
        }
        drop(p);
    }

    /** A fatal HANDSHAKE_FAILED ERROR (id 0, SPEC §8.2, §7.3): best effort, never blocks. */
    private static void sendRefusal(SocketChannel ch, String message) {
        String json = "{\"code\":" + HANDSHAKE_FAILED + ",\"message\":\"" + message + "\"}";
        byte[] frame = new FrameEncoder().encode(FrameKind.ERROR, 0, 0, null, 1, 0, json.getBytes(StandardCharsets.UTF_8));
        try {
            ch.write(ByteBuffer.wrap(frame));
        } catch (IOException ignored) {
            // the peer is gone: nothing to tell
        }
    }

    private static void drop(Pending p) {
        if (p.key != null) {
            p.key.cancel();
        }
        closeQuietly(p.channel);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
