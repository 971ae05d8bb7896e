package io.parley.internal.ring;

import java.io.IOException;

/**
 * A transport found its medium corrupt: a shared-memory ring whose positions, record lengths or
 * types break SPEC §9.4's rules, or a doorbell socket carrying bytes that are no doorbell. The
 * session treats it as a fatal {@code PROTOCOL_ERROR} (SPEC §7.3): the medium can never be
 * trusted again, so the session closes. Usually a bug in the peer's ring code, or another process
 * of the same user writing into the ring file.
 */
public class CorruptTransportException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptTransportException(String message) {
        super(message);
    }

    public CorruptTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
