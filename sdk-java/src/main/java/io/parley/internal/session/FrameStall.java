package io.parley.internal.session;

import io.parley.ErrorCode;
import io.parley.internal.io.Reader;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The stalled-frame bound (SPEC §3.5, revision 1.1): a frame whose header arrived and whose
 * payload then stops arriving part-way closes the session with {@code PROTOCOL_ERROR} once no byte
 * of it has arrived for the frame stall timeout. It is independent of heartbeats (§8.4), so it
 * also bounds stdio sessions that run with {@code heartbeat_ms = 0}.
 */
final class FrameStall {
    private FrameStall() {
    }

    /** Checks {@code reader} on {@code timer} from now on; {@code stallMillis <= 0} is off. */
    static void start(ScheduledExecutorService timer, Reader reader, long stallMillis, BiConsumer<ErrorCode, String> fatal) {
        if (stallMillis <= 0) {
            return;
        }
        long period = Math.max(5, Math.min(1000, stallMillis / 4));
        Runnable check = () -> {
            long stalledMillis = reader.stalledNanos() / 1_000_000L;
            if (stalledMillis >= stallMillis) {
                fatal.accept(ErrorCode.PROTOCOL_ERROR, "stalled inside a frame: no byte of its payload arrived for "
                        + stalledMillis + " ms (frame stall timeout " + stallMillis + " ms); the peer stopped writing part-way");
            }
        };
        try {
            timer.scheduleAtFixedRate(check, period, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the session closed meanwhile
        }
    }
}
