package io.parley;

/**
 * Receives one notification method. Notifications of a session are delivered one at a time, in
 * the order sent (SPEC §6.7), off the reader thread.
 *
 * @param <P> the params type
 */
@FunctionalInterface
public interface NotificationHandler<P> {
    void handle(P params, Session session) throws Exception;
}
