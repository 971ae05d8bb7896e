package io.parley.internal.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The first bytes on a ring's socket (SPEC §9.4 lifecycle step 4, "Declining"): the child's
 * {@code "PRLA"} + session id (u64 LE) + pid (u32 LE) when it attached, or {@code "PRLD"} + the
 * same + reason length (u16 LE, at most 512) + the reason (UTF-8) when it declines the ring and
 * wants the session on the socket itself. The parent reads exactly these bytes and no more.
 */
public final class RingHello {
    static final int ATTACH = 0x414C5250; // "PRLA" little-endian
    static final int DECLINE = 0x444C5250; // "PRLD" little-endian
    static final int LENGTH = 16;
    static final int MAX_REASON = 512;

    /** What the child said: attached, or declined with a reason; the socket goes with it. */
    public record Answer(SocketChannel channel, long childPid, boolean declined, String reason) {
    }

    private RingHello() {
    }

    /** The child attached: sends "PRLA" (on a blocking channel). */
    public static void sendAttach(SocketChannel ch, long sessionId) throws IOException {
        ByteBuffer b = head(ATTACH, sessionId, 0);
        writeFully(ch, b.flip());
    }

    /** The child declines the ring: sends "PRLD" with {@code reason} (on a blocking channel). */
    public static void sendDecline(SocketChannel ch, long sessionId, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, MAX_REASON);
        ByteBuffer b = head(DECLINE, sessionId, 2 + n);
        b.putShort((short) n).put(text, 0, n);
        writeFully(ch, b.flip());
    }

    private static ByteBuffer head(int magic, long sessionId, int extra) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH + extra).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(magic).putLong(sessionId).putInt((int) ProcessHandle.current().pid());
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Reads the child's hello from {@code ch} (made non-blocking), waiting until {@code deadline}
     * ({@link System#nanoTime()}) while {@code alive} holds. The channel is left non-blocking.
     *
     * @throws IOException on a wrong magic or session id, the end of the stream, the deadline, or the child's exit
     */
    public static Answer read(SocketChannel ch, long sessionId, long deadline, BooleanSupplier alive) throws IOException {
        ch.configureBlocking(false);
        try (Selector s = Selector.open()) {
            ch.register(s, SelectionKey.OP_READ);
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            fill(ch, s, b, deadline, alive);
            int magic = b.getInt(0);
            if (magic != ATTACH && magic != DECLINE) {
                throw new IOException("the child's first bytes on the ring socket are not PRLA or PRLD (SPEC §9.4)");
            }
            if (b.getLong(4) != sessionId) {
                throw new IOException("the child answered with another session id (SPEC §9.4)");
            }
            long pid = b.getInt(12) & 0xFFFFFFFFL;
            if (magic == ATTACH) {
                return new Answer(ch, pid, false, null);
            }
            ByteBuffer len = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            fill(ch, s, len, deadline, alive);
            int n = len.getShort(0) & 0xFFFF;
            if (n > MAX_REASON) {
                throw new IOException("the child's decline reason is " + n + " bytes; at most 512 (SPEC §9.4)");
            }
            ByteBuffer reason = ByteBuffer.allocate(n);
            fill(ch, s, reason, deadline, alive);
            return new Answer(ch, pid, true, new String(reason.array(), StandardCharsets.UTF_8));
        }
    }

    private static void fill(SocketChannel ch, Selector s, ByteBuffer b, long deadline, BooleanSupplier alive) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                throw new IOException("the child closed the ring socket before its hello");
            }
            if (n > 0) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no hello from the child on the ring socket in time");
            }
            if (!alive.getAsBoolean()) {
                throw new IOException("the child exited before its hello on the ring socket");
            }
            s.select(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            s.selectedKeys().clear();
        }
    }
}
