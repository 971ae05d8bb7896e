package io.parley;

import java.util.List;

/**
 * The peer sent nothing for twice the heartbeat interval (SPEC §8.4, code {@code
 * HEARTBEAT_TIMEOUT}): it is taken for dead and the session closed.
 */
public class HeartbeatTimeoutException extends PeerGoneException {
    private static final long serialVersionUID = 1L;

    public HeartbeatTimeoutException(String message) {
        super(ErrorCode.HEARTBEAT_TIMEOUT.code(), message, null, List.of());
    }
}
