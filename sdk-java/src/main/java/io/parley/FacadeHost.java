package io.parley;

import io.parley.internal.call.HandlerHost;
import io.parley.internal.call.Inbound;
import io.parley.internal.call.InboundCall;
import io.parley.internal.frame.Message;

/**
 * The session's side of {@link HandlerHost}: gives each request context and each notification
 * handler the public {@link Session}, so the internal parts never name the facade (no import cycle
 * between the session and its parts).
 */
final class FacadeHost implements HandlerHost {
    private final Session session;

    FacadeHost(Session session) {
        this.session = session;
    }

    @Override
    public InboundCall newCall(Inbound inbound, Message request, String method, long arrivalNanos) {
        return new Context(session, inbound, request, method, arrivalNanos);
    }

    @Override
    public void deliver(NotificationHandler<Object> handler, Object params) throws Exception {
        handler.handle(params, session);
    }

    /** A request's context on this session (SPEC §6.1). */
    private static final class Context extends InboundCall {
        private final Session session;

        Context(Session session, Inbound inbound, Message request, String method, long arrivalNanos) {
            super(inbound, request, method, arrivalNanos);
            this.session = session;
        }

        @Override
        public Session session() {
            return session;
        }
    }
}
