package io.parley.internal.session;

import io.parley.ErrorCode;
import io.parley.internal.Durations;
import io.parley.internal.io.FrameWriter;
import io.parley.internal.io.Reader;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Heartbeats (SPEC §8.4): after {@code heartbeat_ms} of silence from the peer a PING goes out;
 * after twice as much the peer is declared dead ({@code HEARTBEAT_TIMEOUT}). Any received frame
 * counts as life ({@link Reader#lastReceivedNanos()}).
 */
final class Heartbeat {
    private final ScheduledExecutorService timer;
    private final Reader reader;
    private final FrameWriter writer;
    private final BiConsumer<ErrorCode, String> fatal;
    private volatile long lastPingNanos;

    Heartbeat(ScheduledExecutorService timer, Reader reader, FrameWriter writer, BiConsumer<ErrorCode, String> fatal) {
        this.timer = timer;
        this.reader = reader;
        this.writer = writer;
        this.fatal = fatal;
    }

    /** Starts checking every quarter interval; {@code heartbeatMs <= 0} is off. */
    void start(int heartbeatMs) {
        if (heartbeatMs <= 0) {
            return;
        }
        long period = Math.max(10, heartbeatMs / 4);
        try {
            timer.scheduleAtFixedRate(() -> check(heartbeatMs), period, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the session closed meanwhile
        }
    }

    private void check(int h) {
        long now = System.nanoTime();
        long silent = (now - reader.lastReceivedNanos()) / 1_000_000L;
        if (silent >= 2L * h) {
            fatal.accept(ErrorCode.HEARTBEAT_TIMEOUT, "no frame from the peer for " + ms(silent) + " (heartbeat every " + ms(h)
                    + ", timeout " + ms(2L * h) + "); the peer is unresponsive");
        } else if (silent >= h && (now - lastPingNanos) / 1_000_000L >= h) {
            lastPingNanos = now;
            try {
                writer.ping((int) (now & 0x7FFF_FFFF));
            } catch (IOException e) {
                // the write failure is reported by the writer; the input side sees the end soon
            }
        }
    }

    private static String ms(long millis) {
        return Durations.text(millis * 1_000_000L);
    }
}
