package io.parley.pool;

import io.parley.PeerGoneException;
import java.util.List;
import java.util.OptionalInt;

/**
 * The worker running the call died (code {@code PEER_GONE}): every call on it fails at once with
 * this error, carrying the exit status or the signal that killed it, and the last lines it wrote
 * to stderr. The pool restarts the worker (with exponential backoff); the call itself is not
 * retried, since it may have had effects. Look at {@link #stderrTail()} for the cause.
 */
public class WorkerCrashedException extends PeerGoneException {
    private static final long serialVersionUID = 1L;
    private final long pid;
    private final Integer signal;

    public WorkerCrashedException(String message, long pid, Integer exitCode, Integer signal, List<String> stderrTail) {
        super(message, exitCode, stderrTail);
        this.pid = pid;
        this.signal = signal;
    }

    /** The worker's pid (-1 for a remote worker). */
    public long pid() {
        return pid;
    }

    /** The signal that ended the worker (9 for SIGKILL), when the exit status says so (128 + n). */
    public OptionalInt signal() {
        return signal == null ? OptionalInt.empty() : OptionalInt.of(signal);
    }
}
