package io.parley.pool;

import io.parley.ErrorCode;
import java.util.List;

/**
 * The pool's crash-loop breaker is open (code {@code PEER_GONE}): workers kept dying at start
 * ({@code crash_loop.deaths} times within {@code crash_loop.window}), so the pool stopped
 * restarting them and fails calls at once instead of busy-looping. The message and {@link
 * #stderrTail()} show the last stderr lines of the last worker that died; fix the cause (a syntax
 * error, a missing extension, a wrong command) and call {@link WorkerPool#reload()} or touch a
 * watched file to try again.
 */
public class PoolUnhealthyException extends PoolException {
    private static final long serialVersionUID = 1L;
    private final String pool;
    private final List<String> stderrTail;

    public PoolUnhealthyException(String pool, String message, List<String> stderrTail) {
        super(ErrorCode.PEER_GONE, message);
        this.pool = pool;
        this.stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
    }

    public String pool() {
        return pool;
    }

    public List<String> stderrTail() {
        return stderrTail;
    }
}
