package io.parley.pool;

import io.parley.ErrorCode;
import io.parley.ParleyException;

/**
 * Base of the failures the pool itself decides (as opposed to the answers of a worker): the pool
 * is {@linkplain PoolUnhealthyException unhealthy} or {@linkplain PoolClosedException closed}. The
 * other pool errors extend the matching SDK type so existing {@code catch} blocks keep working:
 * {@link PoolOverloadedException} (an {@link io.parley.OverloadedException}), {@link
 * ExecTtlExceededException} (a {@link io.parley.DeadlineExceededException}) and {@link
 * WorkerCrashedException} (a {@link io.parley.PeerGoneException}).
 */
public class PoolException extends ParleyException {
    private static final long serialVersionUID = 1L;

    public PoolException(ErrorCode code, String message) {
        super(code, message);
    }

    public PoolException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
