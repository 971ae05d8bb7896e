package io.parley.conformance.wire;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Validator + reassembler (SPEC §4, §5): feed it decoded frames, get complete messages and errors.
 * Unknown kinds produce nothing (§4). A REQUEST whose first frame has malformed meta is a
 * non-fatal INVALID_REQUEST and its remaining frames are skipped (§4.1); a NOTIFICATION with a
 * malformed method is dropped likewise (§4.2).
 */
public final class Reassembler {

    public sealed interface Out permits Message, Problem {}

    public record Message(Msg msg) implements Out {}

    /** {@code stage}: "frame" (per-frame rules) or "message" (reassembly), as in the golden vectors. */
    public record Problem(String stage, int code, String message, boolean fatal, long id) implements Out {}

    private final long maxMessage;
    private Frame first;
    private ByteArrayOutputStream body;
    private List<Integer> sizes;
    private boolean skipping; // the message in progress is dropped (invalid meta)
    private boolean dead;

    public Reassembler(long maxMessage) {
        this.maxMessage = maxMessage;
    }

    private static boolean chunkable(int kind) {
        return kind == Wire.REQUEST || kind == Wire.RESPONSE || kind == Wire.NOTIFICATION || kind == Wire.PROGRESS;
    }

    public List<Out> feed(Frame f) {
        List<Out> out = new ArrayList<>();
        if (dead || !FrameRules.knownKind(f.kind())) return out;
        String v = FrameRules.violation(f);
        if (v != null) return fatal(out, "frame", Wire.PROTOCOL_ERROR, v, f.id());
        if (!chunkable(f.kind())) {
            out.add(new Message(new Msg(f.kind(), f.id(), f.flags(), f.codec(), f.compression(), f.meta(), f.body(), List.of(f.payloadLength()))));
            return out;
        }
        boolean more = f.has(Wire.MORE), cont = f.has(Wire.CONTINUATION);
        if (cont) {
            if (first == null) return fatal(out, "message", Wire.PROTOCOL_ERROR, "CONTINUATION with no message in progress: " + f, f.id());
            if (first.kind() != f.kind() || first.id() != f.id() || first.codec() != f.codec() || first.compression() != f.compression()) {
                return fatal(out, "message", Wire.PROTOCOL_ERROR, "CONTINUATION does not match the message in progress (" + first + "): " + f, f.id());
            }
            if (!skipping) {
                body.writeBytes(f.body());
                sizes.add(f.payloadLength());
                if (body.size() > maxMessage) return fatal(out, "message", Wire.MESSAGE_TOO_LARGE, "message body over max_message " + maxMessage, f.id());
            }
            if (!more) {
                if (!skipping) {
                    out.add(new Message(new Msg(first.kind(), first.id(), first.flags() & ~(Wire.MORE | Wire.CONTINUATION), first.codec(),
                            first.compression(), first.meta(), body.toByteArray(), List.copyOf(sizes))));
                }
                first = null;
                skipping = false;
            }
            return out;
        }
        if (more && first != null) return fatal(out, "message", Wire.PROTOCOL_ERROR, "a new chunked message while another is in progress: " + f, f.id());
        String bad = null;
        if (f.kind() == Wire.REQUEST) bad = FrameRules.invalidRequestMeta(f.meta());
        boolean badNote = f.kind() == Wire.NOTIFICATION && (f.meta().length < 1 || f.meta().length > 255 || !FrameRules.validUtf8(f.meta(), 0, f.meta().length));
        if (bad != null) out.add(new Problem("frame", Wire.INVALID_REQUEST, "invalid REQUEST meta: " + bad, false, f.id()));
        if (more) {
            first = f;
            body = new ByteArrayOutputStream();
            sizes = new ArrayList<>();
            skipping = bad != null || badNote;
            if (!skipping) {
                body.writeBytes(f.body());
                sizes.add(f.payloadLength());
                if (body.size() > maxMessage) return fatal(out, "message", Wire.MESSAGE_TOO_LARGE, "message body over max_message " + maxMessage, f.id());
            }
            return out;
        }
        if (bad == null && !badNote) {
            if (f.body().length > maxMessage) return fatal(out, "message", Wire.MESSAGE_TOO_LARGE, "message body over max_message " + maxMessage, f.id());
            out.add(new Message(new Msg(f.kind(), f.id(), f.flags(), f.codec(), f.compression(), f.meta(), f.body(), List.of(f.payloadLength()))));
        }
        return out;
    }

    private List<Out> fatal(List<Out> out, String stage, int code, String msg, long id) {
        dead = true;
        out.add(new Problem(stage, code, msg, true, id));
        return out;
    }

    /** True while a chunked message is being received. */
    public boolean inProgress() {
        return first != null;
    }
}
