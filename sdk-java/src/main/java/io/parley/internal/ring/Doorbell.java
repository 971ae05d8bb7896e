package io.parley.internal.ring;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Unix socket beside a ring (SPEC §9.4 "Wake-ups", "Liveness"): one-byte doorbells in both
 * directions and the peer's death as end of stream.
 *
 * <p>No thread of its own: a thread that waits for a bell (the reader for DATA, a writer for
 * SPACE) blocks on the socket itself and drains it, so a wake-up costs the kernel's wake of that
 * thread and nothing more (no hand-over between threads). When both wait at once, one of them
 * holds the socket and counts the other's bells for it, unparking it; whoever leaves the socket
 * unparks the other so that it takes over. The channel is non-blocking, so an interrupted thread
 * never closes it, and a bell that does not fit (the peer has not drained a whole socket buffer of
 * bells) is dropped: one is pending already.
 */
final class Doorbell implements Closeable {
    static final byte DATA = 1;
    static final byte SPACE = 2;

    private final SocketChannel channel;
    private final Selector selector;
    private final String description;
    private final ByteBuffer dataBell = ByteBuffer.allocateDirect(1).put(0, DATA);
    private final ByteBuffer spaceBell = ByteBuffer.allocateDirect(1).put(0, SPACE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(256);
    private final AtomicLong dataBells = new AtomicLong();
    private final AtomicLong spaceBells = new AtomicLong();
    /** Held by the one thread that blocks on (and drains) the socket. */
    private final ReentrantLock socketOwner = new ReentrantLock();
    private volatile Thread dataWaiter;
    private volatile Thread spaceWaiter;
    /** Why the socket ended: null while it is open. */
    private volatile String ended;
    /** A byte that is no doorbell: the peer does not speak §9.4. */
    private volatile String violation;

    Doorbell(SocketChannel channel, String description) throws IOException {
        this.channel = channel;
        this.description = description;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /**
     * Waits at most {@code nanos} for something on the socket (a bell, its end) and drains it:
     * blocks on the socket when no other thread does, else parks until that thread hands over a
     * bell or leaves. Returns early on an interrupt (the caller decides what it means).
     */
    void await(long nanos) {
        if (ended != null || nanos <= 0) {
            return;
        }
        if (!socketOwner.tryLock()) {
            LockSupport.parkNanos(this, nanos);
            return;
        }
        try {
            if (drain()) {
                return;
            }
            long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
            selector.select(ms);
            drain();
        } catch (IOException | ClosedSelectorException e) {
            end("the ring's socket failed: " + e.getMessage());
        } finally {
            socketOwner.unlock();
            // the other waiter (if any) may still wait: it takes the socket over
            Thread me = Thread.currentThread();
            Thread d = dataWaiter;
            Thread s = spaceWaiter;
            if (d != null && d != me) {
                LockSupport.unpark(d);
            }
            if (s != null && s != me) {
                LockSupport.unpark(s);
            }
        }
    }

    /** Reads what is on the socket without blocking; true when anything (a bell, the end) came. */
    private boolean drain() throws IOException {
        boolean any = false;
        while (true) {
            int n;
            try {
                n = channel.read(in.clear());
            } catch (IOException e) {
                end("the ring's socket failed: " + e.getMessage());
                return true;
            }
            if (n < 0) {
                end("the peer closed the ring's socket");
                return true;
            }
            if (n == 0) {
                selector.selectedKeys().clear();
                return any;
            }
            any = true;
            boolean data = false;
            boolean space = false;
            for (int i = 0; i < n; i++) {
                byte b = in.get(i);
                if (b == DATA) {
                    data = true;
                } else if (b == SPACE) {
                    space = true;
                } else {
                    violation = "byte 0x" + Integer.toHexString(b & 0xFF) + " on the ring's socket is no doorbell (SPEC §9.4)";
                    end(violation);
                    return true;
                }
            }
            Thread me = Thread.currentThread();
            if (data) {
                dataBells.incrementAndGet();
                unparkOther(dataWaiter, me);
            }
            if (space) {
                spaceBells.incrementAndGet();
                unparkOther(spaceWaiter, me);
            }
            if (n < in.capacity()) {
                selector.selectedKeys().clear();
                return true;
            }
        }
    }

    private void end(String why) {
        if (ended == null) {
            ended = why;
        }
        Thread me = Thread.currentThread();
        unparkOther(dataWaiter, me);
        unparkOther(spaceWaiter, me);
        selector.wakeup();
    }

    private static void unparkOther(Thread t, Thread me) {
        if (t != null && t != me) {
            LockSupport.unpark(t);
        }
    }

    /** Sends one DATA bell (the peer's consumer announced sleep). */
    void ringData() {
        ring(dataBell);
    }

    /** Sends one SPACE bell (the peer's producer waits for room). */
    void ringSpace() {
        ring(spaceBell);
    }

    private void ring(ByteBuffer bell) {
        try {
            // one byte, non-blocking: 0 means the socket buffer is full of unread bells already
            channel.write(bell.clear());
        } catch (IOException e) {
            end("the ring's socket failed: " + e.getMessage());
        }
    }

    long dataBells() {
        return dataBells.get();
    }

    long spaceBells() {
        return spaceBells.get();
    }

    /** Registers the thread that waits for DATA bells ({@code null} to clear). */
    void dataWaiter(Thread t) {
        dataWaiter = t;
    }

    /** Registers the thread that waits for SPACE bells ({@code null} to clear). */
    void spaceWaiter(Thread t) {
        spaceWaiter = t;
    }

    /** Ends the peer's side as if the socket had ended (the parent closed this child's stdin). */
    void peerEnded(String why) {
        end(why);
    }

    /** Why the socket ended, or {@code null} while the peer is there. */
    String ended() {
        return ended;
    }

    /** A doorbell protocol violation, or {@code null}. */
    String violation() {
        return violation;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        end("the ring was closed");
        try {
            channel.close();
        } finally {
            selector.wakeup();
            // the thread blocked on the selector leaves it before it is closed
            socketOwner.lock();
            try {
                selector.close();
            } finally {
                socketOwner.unlock();
            }
        }
    }
}
