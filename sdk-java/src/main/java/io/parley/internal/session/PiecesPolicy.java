package io.parley.internal.session;

import io.parley.Handlers;
import io.parley.Payload;
import io.parley.internal.call.Outbound;
import io.parley.internal.frame.FrameDescriptor;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.MessageAssembler;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a chunked RAW body (SPEC §5) as pieces exactly when its receiver asked for a {@link
 * Payload}: the request or notification handler's params type, or the call's result type. Anyone
 * else gets one array, joined as the frames arrive (no second copy at the end).
 */
final class PiecesPolicy implements MessageAssembler.PiecesPolicy {
    private final Handlers handlers;
    private final Outbound outbound;

    PiecesPolicy(Handlers handlers, Outbound outbound) {
        this.handlers = handlers;
        this.outbound = outbound;
    }

    @Override
    public boolean keepPieces(int kind, int id, byte[] meta) {
        if (kind == FrameKind.RESPONSE) {
            return outbound.wantsPayload(id);
        }
        if (kind == FrameKind.REQUEST && meta.length >= FrameDescriptor.REQUEST_TIMEOUT_LENGTH) {
            Handlers.RequestEntry e = handlers.request(method(meta, FrameDescriptor.REQUEST_TIMEOUT_LENGTH));
            return e != null && e.paramsType() == Payload.class;
        }
        if (kind == FrameKind.NOTIFICATION) {
            Handlers.NotificationEntry e = handlers.notification(method(meta, 0));
            return e != null && e.paramsType() == Payload.class;
        }
        return false;
    }

    private static String method(byte[] meta, int from) {
        return new String(meta, from, meta.length - from, StandardCharsets.UTF_8);
    }
}
