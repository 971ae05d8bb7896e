package io.parley.pool;

import io.parley.DeadlineExceededException;
import java.time.Duration;

/**
 * A call ran longer than the pool's hard {@code exec_ttl} limit (code {@code DEADLINE_EXCEEDED}).
 * The deadline was sent in-band with the request, so the handler could stop by itself; a worker
 * that has still not answered after {@code exec_grace} gets SIGTERM, then SIGKILL for its whole
 * process tree, and is replaced. Other calls are unaffected. Raise {@code exec_ttl} if the call is
 * legitimately slow, or route it to a named pool with a longer one.
 */
public class ExecTtlExceededException extends DeadlineExceededException {
    private static final long serialVersionUID = 1L;
    private final Duration limit;
    private final long pid;

    public ExecTtlExceededException(String message, Duration limit, long pid) {
        super(message);
        this.limit = limit;
        this.pid = pid;
    }

    /** The exec_ttl that fired. */
    public Duration limit() {
        return limit;
    }

    /** The worker's pid (-1 for a remote worker). */
    public long pid() {
        return pid;
    }
}
