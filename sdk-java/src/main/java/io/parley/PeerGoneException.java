package io.parley;

import java.util.List;
import java.util.OptionalInt;

/**
 * The transport ended or the peer process died (SPEC §8.6, code {@code PEER_GONE}). For a child
 * process it carries the exit status and the last lines the child wrote to stderr.
 */
public class PeerGoneException extends SessionClosedException {
    private static final long serialVersionUID = 1L;
    private final Integer exitCode;
    private final List<String> stderrTail;

    public PeerGoneException(String message, Integer exitCode, List<String> stderrTail) {
        this(ErrorCode.PEER_GONE.code(), message, exitCode, stderrTail);
    }

    /** For subclasses with their own code ({@link HeartbeatTimeoutException}). */
    protected PeerGoneException(int code, String message, Integer exitCode, List<String> stderrTail) {
        super(code, message);
        this.exitCode = exitCode;
        this.stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
    }

    /** The child's exit status, when the peer was a child process that exited. */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** The last lines of the child's stderr (empty for socket peers). */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
