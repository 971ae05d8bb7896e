package io.parley.internal.ring;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The Unix socket beside a ring (SPEC §9.4 "Wake-ups", "Liveness"): one-byte doorbells in both
 * directions and the peer's death as end of stream. A thread of its own drains the socket and
 * counts DATA and SPACE bells, waking the thread that waits for them; everyone else only reads
 * the counters. The channel is non-blocking, so an interrupted writer never closes it, and a bell
 * that does not fit (the peer has not drained a whole socket buffer of bells) is dropped: one is
 * pending already.
 */
final class Doorbell implements Closeable {
    static final byte DATA = 1;
    static final byte SPACE = 2;

    private final SocketChannel channel;
    private final Selector selector;
    private final String description;
    private final ByteBuffer dataBell = ByteBuffer.allocateDirect(1).put(0, DATA);
    private final ByteBuffer spaceBell = ByteBuffer.allocateDirect(1).put(0, SPACE);
    private final AtomicLong dataBells = new AtomicLong();
    private final AtomicLong spaceBells = new AtomicLong();
    private volatile Thread dataWaiter;
    private volatile Thread spaceWaiter;
    /** Why the socket ended: null while it is open. */
    private volatile String ended;
    /** A byte that is no doorbell: the peer does not speak §9.4. */
    private volatile String violation;
    private final Thread thread;

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
        this.thread = io.parley.internal.io.Threads.platform("parley-doorbell " + description, this::drain);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void drain() {
        ByteBuffer in = ByteBuffer.allocateDirect(256);
        try {
            while (true) {
                int n = channel.read(in.clear());
                if (n < 0) {
                    end("the peer closed the ring's socket");
                    return;
                }
                if (n == 0) {
                    selector.select();
                    continue;
                }
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
                        return;
                    }
                }
                if (data) {
                    dataBells.incrementAndGet();
                    unpark(dataWaiter);
                }
                if (space) {
                    spaceBells.incrementAndGet();
                    unpark(spaceWaiter);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            end("the ring's socket failed: " + e.getMessage());
        }
    }

    private void end(String why) {
        if (ended == null) {
            ended = why;
        }
        unpark(dataWaiter);
        unpark(spaceWaiter);
    }

    private static void unpark(Thread t) {
        if (t != null) {
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

    /** Registers the thread that {@link #ringData} bells wake ({@code null} to clear). */
    void dataWaiter(Thread t) {
        dataWaiter = t;
    }

    /** Registers the thread that SPACE bells wake ({@code null} to clear). */
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
            selector.close();
        }
    }
}
