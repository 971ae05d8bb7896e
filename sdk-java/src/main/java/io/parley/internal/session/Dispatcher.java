package io.parley.internal.session;

import io.parley.ErrorCode;
import io.parley.internal.call.Inbound;
import io.parley.internal.call.Outbound;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.Message;
import io.parley.internal.frame.ProtocolViolationException;
import io.parley.internal.io.FrameWriter;
import io.parley.internal.io.Reader;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each complete message by kind (SPEC §4) to the part that handles it: HELLO, GOODBYE and a
 * fatal ERROR to the {@link Lifecycle}; REQUEST, NOTIFICATION and CANCEL to {@link Inbound};
 * RESPONSE, ERROR and PROGRESS to {@link Outbound}; PING is answered here. It is the one {@link
 * Reader.Handler} of the input pump, called on the reading thread.
 */
final class Dispatcher implements Reader.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Lifecycle life;
    private final Outbound outbound;
    private final Inbound inbound;
    private final FrameWriter writer;

    Dispatcher(Lifecycle life, Outbound outbound, Inbound inbound, FrameWriter writer) {
        this.life = life;
        this.outbound = outbound;
        this.inbound = inbound;
        this.writer = writer;
    }

    @Override
    public void beforeFrame(int kind, int id) {
        life.checkFrameAllowed(kind, id);
    }

    @Override
    public void onMessage(Message m) {
        switch (m.kind()) {
            case FrameKind.HELLO -> life.onHello(m);
            case FrameKind.REQUEST -> inbound.onRequest(m);
            case FrameKind.RESPONSE, FrameKind.PROGRESS -> outbound.onAnswer(m);
            case FrameKind.ERROR -> {
                if (m.id() == 0) {
                    life.onFatalFromPeer(m);
                } else {
                    outbound.onAnswer(m);
                }
            }
            case FrameKind.NOTIFICATION -> inbound.onNotification(m);
            case FrameKind.CANCEL -> inbound.onCancel(m.id());
            case FrameKind.PING -> pong(m);
            case FrameKind.PONG -> {
                // liveness only: any frame resets the heartbeat clock
            }
            case FrameKind.GOODBYE -> life.onGoodbye(m);
            default -> throw new ProtocolViolationException("unexpected kind " + m.kind());
        }
    }

    private void pong(Message m) {
        try {
            writer.pong(m.id(), m.body());
        } catch (IOException e) {
            LOG.debug("{}: could not send PONG: {}", life.description(), e.toString());
        }
    }

    @Override
    public void onCancel(int id) {
        inbound.onCancel(id);
    }

    @Override
    public void onInvalidRequest(int id, String reason) {
        inbound.sendError(id, ErrorCode.INVALID_REQUEST.code(), reason, null);
    }

    @Override
    public void onInvalidNotification(String reason) {
        LOG.warn("{}: dropped a notification: {}", life.description(), reason);
    }

    @Override
    public void onEndOfStream(String detail) {
        life.onEndOfStream(detail);
    }

    @Override
    public void onFatal(ErrorCode code, String message) {
        life.fatal(code, message);
    }

    @Override
    public void onCrash(Throwable t) {
        life.onCrash(t);
    }

    @Override
    public boolean isClosed() {
        return life.isClosed();
    }
}
