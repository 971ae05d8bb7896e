package io.parley.internal.call;

import io.parley.NotificationHandler;
import io.parley.internal.frame.Message;

/**
 * What {@link Inbound} needs from the public session facade, and nothing more: a context for each
 * request (whose {@code session()} the facade supplies) and a way to run a notification handler
 * with the public session in hand (SPEC §6.1, §6.7). The facade implements it in a package-private
 * class, so no internal code names {@code io.parley.Session} and the session and its parts do not
 * import each other (architecture/LayoutTest checks this).
 */
public interface HandlerHost {
    /** A context for {@code request}, arrived at {@code arrivalNanos} (System.nanoTime(), 0 = no deadline). */
    InboundCall newCall(Inbound inbound, Message request, String method, long arrivalNanos);

    /** Runs {@code handler} with {@code params} and the public session. */
    void deliver(NotificationHandler<Object> handler, Object params) throws Exception;
}
