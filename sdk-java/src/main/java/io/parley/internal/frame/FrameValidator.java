package io.parley.internal.frame;

import static io.parley.internal.frame.FrameDescriptor.MAX_METHOD_LENGTH;
import static io.parley.internal.frame.FrameDescriptor.MAX_PING_BODY;
import static io.parley.internal.frame.FrameDescriptor.REQUEST_TIMEOUT_LENGTH;
import static io.parley.internal.frame.FrameKind.CANCEL;
import static io.parley.internal.frame.FrameKind.ERROR;
import static io.parley.internal.frame.FrameKind.GOODBYE;
import static io.parley.internal.frame.FrameKind.HELLO;
import static io.parley.internal.frame.FrameKind.NOTIFICATION;
import static io.parley.internal.frame.FrameKind.PING;
import static io.parley.internal.frame.FrameKind.PONG;
import static io.parley.internal.frame.FrameKind.PROGRESS;
import static io.parley.internal.frame.FrameKind.REQUEST;
import static io.parley.internal.frame.FrameKind.RESPONSE;

/**
 * Per-frame rules of SPEC §3.3 and §4. A violation throws {@link ProtocolViolationException}
 * (fatal); the non-fatal outcomes are returned as a {@link Verdict}. Stateless.
 */
public final class FrameValidator {
    /** What the receiver does with a frame that broke no fatal rule. */
    public enum Verdict {
        /** Process the frame. */
        ACCEPT,
        /** Unknown kind: skip it, change nothing (§4). */
        SKIP_UNKNOWN_KIND,
        /** REQUEST first frame with malformed meta: answer INVALID_REQUEST, skip its frames (§4.1). */
        INVALID_REQUEST,
        /** NOTIFICATION with a malformed method: report and drop it (§4.2). */
        INVALID_NOTIFICATION
    }

    private FrameValidator() {
    }

    public static Verdict check(Frame f) {
        int kind = f.kind();
        if (!FrameKind.isKnown(kind)) {
            return Verdict.SKIP_UNKNOWN_KIND;
        }
        String name = FrameKind.name(kind);
        int flags = f.flags();
        boolean continuation = (flags & FrameFlags.CONTINUATION) != 0;
        if (!FrameKind.isChunkable(kind) && (flags & (FrameFlags.MORE | FrameFlags.CONTINUATION)) != 0) {
            throw violation(f, name + " cannot be chunked: MORE/CONTINUATION flags are not allowed on it");
        }
        if (kind != REQUEST && (flags & FrameFlags.WANT_PROGRESS) != 0) {
            throw violation(f, "WANT_PROGRESS is only allowed on REQUEST, not on " + name);
        }
        boolean metaMayBeUsed = (kind == REQUEST || kind == NOTIFICATION) && !continuation;
        if (!metaMayBeUsed && f.metaLength() != 0) {
            throw violation(f, name + (continuation ? " continuation" : "") + " must have meta_len 0, has " + f.metaLength());
        }
        int id = f.id();
        switch (kind) {
            case HELLO, NOTIFICATION, GOODBYE -> {
                if (id != 0) {
                    throw violation(f, name + " must have id 0, has " + Integer.toUnsignedString(id));
                }
            }
            case REQUEST, RESPONSE, PROGRESS, CANCEL -> {
                if (id == 0) {
                    throw violation(f, name + " must have an id >= 1");
                }
            }
            default -> {
            }
        }
        boolean jsonKind = kind == HELLO || kind == ERROR || kind == GOODBYE;
        if (jsonKind && f.bodyLength() == 0) {
            // JSON kinds need codec 1, and codec 1 needs a body: an empty HELLO/ERROR/GOODBYE is malformed
            throw violation(f, name + " must carry a JSON body");
        }
        boolean chunk = (flags & (FrameFlags.MORE | FrameFlags.CONTINUATION)) != 0;
        if (kind == CANCEL && f.bodyLength() != 0) {
            throw violation(f, "CANCEL must have body_len 0, has " + Integer.toUnsignedString(f.bodyLength()));
        }
        if (f.bodyLength() == 0) {
            // a single-frame message with an empty body has codec 0; the frames of a chunked message
            // carry the message's codec and compression whatever their own length (SPEC §4, §5)
            if (!chunk && (f.codec() != 0 || f.compression() != 0)) {
                throw violation(f, name + " with an empty body must have codec 0 and compression 0");
            }
        } else {
            switch (kind) {
                case HELLO, ERROR, GOODBYE -> {
                    if (f.codec() != 1 || f.compression() != 0) {
                        throw violation(f, name + " body must be JSON (codec 1) without compression");
                    }
                }
                case CANCEL, PING, PONG -> {
                    if (f.codec() != 0 || f.compression() != 0) {
                        throw violation(f, name + " must have codec 0 and compression 0");
                    }
                }
                default -> {
                }
            }
        }
        if ((kind == PING || kind == PONG) && f.bodyLength() > MAX_PING_BODY) {
            throw violation(f, name + " body of " + f.bodyLength() + " bytes exceeds " + MAX_PING_BODY);
        }
        if (kind == REQUEST && !continuation) {
            int methodLength = f.metaLength() - REQUEST_TIMEOUT_LENGTH;
            if (methodLength < 1 || methodLength > MAX_METHOD_LENGTH
                    || !Frame.isStrictUtf8(f.buffer(), f.metaOffset() + REQUEST_TIMEOUT_LENGTH, methodLength)) {
                return Verdict.INVALID_REQUEST;
            }
        }
        if (kind == NOTIFICATION && !continuation) {
            int methodLength = f.metaLength();
            if (methodLength < 1 || methodLength > MAX_METHOD_LENGTH
                    || !Frame.isStrictUtf8(f.buffer(), f.metaOffset(), methodLength)) {
                return Verdict.INVALID_NOTIFICATION;
            }
        }
        return Verdict.ACCEPT;
    }

    /** Why a REQUEST first frame got {@link Verdict#INVALID_REQUEST}. */
    public static String invalidRequestReason(Frame f) {
        int methodLength = f.metaLength() - REQUEST_TIMEOUT_LENGTH;
        if (methodLength < 1) {
            return "REQUEST meta of " + f.metaLength() + " bytes: need timeout_ms (4 bytes) and a method of 1..255 bytes";
        }
        if (methodLength > MAX_METHOD_LENGTH) {
            return "REQUEST method of " + methodLength + " bytes exceeds 255";
        }
        return "REQUEST method is not valid UTF-8";
    }

    private static ProtocolViolationException violation(Frame f, String what) {
        return new ProtocolViolationException(what + " (" + f + ")");
    }
}
