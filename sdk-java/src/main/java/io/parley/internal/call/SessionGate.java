package io.parley.internal.call;

import io.parley.SessionClosedException;
import java.io.IOException;

/**
 * All that the two correlation tables ({@link Outbound}, {@link Inbound}) know of the session:
 * whether it may send and take requests, the peer's limits, and how to report that a call ended
 * or that the session is gone. The lifecycle implements it (SPEC §8); the tables never call the
 * lifecycle, the reader or the session facade otherwise.
 */
public interface SessionGate {
    /** Throws unless new calls and notifications may be sent (SHUTTING_DOWN while draining, else SESSION_CLOSED). */
    void checkCanSend();

    boolean isClosed();

    /** Requests are processed only while OPEN and before our GOODBYE (SPEC §8.5 rule 3). */
    boolean acceptsRequests();

    /** The peer's max_frame: messages larger than this are chunked (SPEC §5). */
    int peerMaxFrame();

    /** The peer's max_message: larger bodies are refused before they are sent (SPEC §3.2). */
    long peerMaxMessage();

    /** The peer's name from its HELLO, for logs. */
    String peerName();

    /** For logs and errors. */
    String description();

    /** A call in either direction ended: the drain may be complete (SPEC §8.5). */
    void callEnded();

    /** For calls made after the close: SESSION_CLOSED, with the reason the session ended as the cause. */
    SessionClosedException closedException();

    /** The exception for a failed write: the close reason when closed, else the peer is gone. */
    RuntimeException closedOr(IOException e);
}
