package io.parley.internal.session;

import io.parley.internal.call.Bodies;
import io.parley.internal.call.HandlerHost;
import io.parley.internal.call.InFlightLimit;
import io.parley.internal.call.Inbound;
import io.parley.internal.call.Outbound;
import io.parley.internal.call.Settings;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.MessageAssembler;
import io.parley.internal.io.FrameWriter;
import io.parley.internal.io.NotificationOrder;
import io.parley.internal.io.ReadRole;
import io.parley.internal.io.Reader;
import io.parley.internal.io.SerialExecutor;
import io.parley.internal.io.StrayReport;
import io.parley.internal.io.Threads;
import io.parley.internal.io.Workers;
import io.parley.transport.Transport;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the parts of one session and connects them: the one place where the layers meet.
 *
 * <pre>
 * Session ─▶ Outbound / Inbound (internal.call) ─▶ Bodies, FrameWriter ─▶ Transport
 * Transport ─▶ ReadRole ─▶ Reader ─▶ Dispatcher ─▶ Outbound / Inbound / Lifecycle
 * </pre>
 *
 * Lower layers reach higher ones only through small interfaces set here: {@link Reader.Handler}
 * (the Dispatcher), {@link ReadRole.Calls} (Outbound) and {@link io.parley.internal.call.SessionGate}
 * (the Lifecycle).
 */
public final class SessionWiring {
    private static final Logger LOG = LoggerFactory.getLogger(SessionWiring.class);

    /** The parts the session facade holds. */
    public record Parts(Lifecycle life, Outbound outbound, Inbound inbound) {
    }

    private SessionWiring() {
    }

    /** Builds and connects the parts of a session over {@code transport}, handing handlers the facade through {@code host}; nothing runs until {@link Lifecycle#open()}. */
    public static Parts wire(HandlerHost host, Transport transport, Settings cfg) {
        String desc = transport.description();
        Workers workers = new Workers(desc);
        Executor handlerExecutor = cfg.executor() != null ? cfg.executor() : workers;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> Threads.platform("parley-timer " + desc, r));
        timer.setRemoveOnCancelPolicy(true);
        Lifecycle[] life = new Lifecycle[1]; // the callbacks below run only after wiring
        Bodies bodies = new Bodies(cfg, e -> life[0].fatalTooLarge(e));
        FrameWriter writer = new FrameWriter(transport, e -> life[0].onWriteFailure(e));
        NotificationOrder order = new NotificationOrder(
                new SerialExecutor(handlerExecutor, t -> LOG.warn("notification handler failed", t)));
        MessageAssembler assembler = new MessageAssembler(cfg.maxMessage());
        Reader reader = new Reader(transport, new FrameDecoder(FrameDescriptor.HANDSHAKE_MAX_FRAME, cfg.maxStray()),
                assembler, new StrayReport(cfg.strayListener(), LOG, desc));
        ReadRole role = new ReadRole(transport, reader, order, handlerExecutor, workers, timer, writer,
                cfg.inlineHandlers() && cfg.executor() == null, cfg.readerTakeoverNanos());
        writer.readRole(role);
        writer.flushExecutor(workers);
        InFlightLimit limit = new InFlightLimit(cfg.maxQueuedCalls(), role::yieldRole);
        life[0] = new Lifecycle(transport, cfg, bodies, writer, role, reader, workers, timer, limit);
        Outbound outbound = new Outbound(life[0], cfg, bodies, writer, role, order, limit, timer, handlerExecutor);
        Inbound inbound = new Inbound(life[0], host, cfg, bodies, writer, role, order, reader, timer);
        life[0].tables(outbound, inbound);
        assembler.piecesPolicy(new PiecesPolicy(cfg.handlers(), outbound));
        role.calls(outbound);
        reader.handler(new Dispatcher(life[0], outbound, inbound, writer));
        return new Parts(life[0], outbound, inbound);
    }
}
