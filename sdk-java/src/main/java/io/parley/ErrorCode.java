package io.parley;

/**
 * The error codes of SPEC §7.2, with whether each one closes the session.
 *
 * <p>Application handlers may use any other integer (recommended: 1 and up); {@link #of(int)}
 * returns {@code null} for those.
 */
public enum ErrorCode {
    PARSE_ERROR(-32700, false),
    INVALID_REQUEST(-32600, false),
    METHOD_NOT_FOUND(-32601, false),
    INVALID_PARAMS(-32602, false),
    INTERNAL_ERROR(-32603, false),
    PROTOCOL_ERROR(-33000, true),
    CANCELLED(-33001, false),
    DEADLINE_EXCEEDED(-33002, false),
    FRAME_TOO_LARGE(-33003, true),
    MESSAGE_TOO_LARGE(-33004, true),
    OVERLOADED(-33005, false),
    SHUTTING_DOWN(-33006, false),
    UNSUPPORTED_VERSION(-33007, true),
    UNSUPPORTED_ENCODING(-33008, false),
    AUTH_FAILED(-33009, true),
    HANDSHAKE_FAILED(-33010, true),
    PEER_GONE(-33011, true),
    HEARTBEAT_TIMEOUT(-33012, true),
    SESSION_CLOSED(-33013, true);

    private final int code;
    private final boolean fatal;

    ErrorCode(int code, boolean fatal) {
        this.code = code;
        this.fatal = fatal;
    }

    /** The integer sent on the wire. */
    public int code() {
        return code;
    }

    /** Whether this error closes the session (SPEC §7.3). */
    public boolean isFatal() {
        return fatal;
    }

    /** The named code for {@code code}, or {@code null} for application codes. */
    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /** The SPEC name of {@code code}, or {@code "APPLICATION_ERROR"}. */
    public static String nameOf(int code) {
        ErrorCode c = of(code);
        return c == null ? "APPLICATION_ERROR" : c.name();
    }
}
