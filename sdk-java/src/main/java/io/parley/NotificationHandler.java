package io.parley;

/**
 * Receives one notification method. Notifications of a session are delivered one at a time, in
 * the order received (SPEC §6.7), and a notification's handler has returned before anything that
 * arrived after it is seen: the next notification, a request (its handler starts only then) or an
 * answer (the call returns only then). A notification handler therefore holds up what follows it:
 * keep it short, and <b>do not wait for the result of a call</b> in it (start one with {@link
 * Session#callAsync} and return; waiting for it would wait for ever if its answer arrives behind
 * another notification).
 *
 * @param <P> the params type
 */
@FunctionalInterface
public interface NotificationHandler<P> {
    void handle(P params, Session session) throws Exception;
}
