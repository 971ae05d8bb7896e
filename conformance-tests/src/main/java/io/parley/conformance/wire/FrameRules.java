package io.parley.conformance.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The per-frame rules of SPEC §3.3 and §4 (kinds, ids, meta, codec, flags). */
public final class FrameRules {
    private FrameRules() {}

    public static boolean knownKind(int kind) {
        return kind >= Wire.HELLO && kind <= Wire.GOODBYE;
    }

    private static boolean chunkable(int kind) {
        return kind == Wire.REQUEST || kind == Wire.RESPONSE || kind == Wire.NOTIFICATION || kind == Wire.PROGRESS;
    }

    /**
     * Returns null when the frame obeys the fatal frame-level rules, else a description of the
     * PROTOCOL_ERROR. Unknown kinds always pass (they are skipped, §4). Malformed REQUEST meta is
     * not fatal and is reported by {@link #invalidRequestMeta}.
     */
    public static String violation(Frame f) {
        int k = f.kind();
        if (!knownKind(k)) return null;
        String n = Wire.kindName(k);
        boolean more = f.has(Wire.MORE), cont = f.has(Wire.CONTINUATION), wp = f.has(Wire.WANT_PROGRESS);
        if ((more || cont) && !chunkable(k)) return n + " with MORE/CONTINUATION flag (§3.3)";
        if (wp && k != Wire.REQUEST) return n + " with WANT_PROGRESS flag (§3.3)";
        boolean metaAllowed = (k == Wire.REQUEST || k == Wire.NOTIFICATION) && !cont;
        if (!metaAllowed && f.meta().length > 0) return n + (cont ? " continuation" : "") + " with meta_len " + f.meta().length + " (§4, §5)";
        switch (k) {
            case Wire.HELLO, Wire.NOTIFICATION, Wire.GOODBYE -> {
                if (f.id() != 0) return n + " with id " + f.id() + " (must be 0, §4)";
            }
            case Wire.REQUEST, Wire.RESPONSE, Wire.PROGRESS, Wire.CANCEL -> {
                if (f.id() == 0) return n + " with id 0 (must be >= 1, §4)";
            }
            default -> { }
        }
        boolean json = k == Wire.HELLO || k == Wire.ERROR || k == Wire.GOODBYE;
        if (json && f.body().length == 0) return n + " with an empty body (must be a JSON object, §4)";
        if (f.body().length == 0) {
            // a frame of a chunked message carries the message's codec whatever its own length (§4, §5)
            if ((f.codec() != 0 || f.compression() != 0) && !more && !cont) {
                return n + " with empty body but codec " + f.codec() + "/compression " + f.compression() + " (§4)";
            }
        } else {
            switch (k) {
                case Wire.HELLO, Wire.ERROR, Wire.GOODBYE -> {
                    if (f.codec() != Wire.CODEC_JSON || f.compression() != 0) return n + " with codec " + f.codec() + "/compression " + f.compression() + " (must be json/none, §4)";
                }
                case Wire.CANCEL -> { return "CANCEL with a body (§4)"; }
                case Wire.PING, Wire.PONG -> {
                    if (f.codec() != 0 || f.compression() != 0) return n + " with codec/compression (§4)";
                }
                default -> { }
            }
        }
        if ((k == Wire.PING || k == Wire.PONG) && f.body().length > 64) return n + " body of " + f.body().length + " bytes (max 64, §4)";
        return null;
    }

    /** §4.1: for a REQUEST first frame, null if the meta is well-formed, else why not. */
    public static String invalidRequestMeta(byte[] meta) {
        if (meta.length < 5) return "meta_len " + meta.length + " < 5";
        if (meta.length - 4 > 255) return "method of " + (meta.length - 4) + " bytes";
        if (!validUtf8(meta, 4, meta.length - 4)) return "method not valid UTF-8";
        return null;
    }

    public static boolean validUtf8(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    public static long timeoutMs(byte[] meta) {
        return ((meta[0] & 0xFFL) << 24) | ((meta[1] & 0xFFL) << 16) | ((meta[2] & 0xFFL) << 8) | (meta[3] & 0xFFL);
    }

    public static String method(Frame requestOrNotification) {
        byte[] m = requestOrNotification.meta();
        int off = requestOrNotification.kind() == Wire.REQUEST ? 4 : 0;
        return new String(m, off, m.length - off, StandardCharsets.UTF_8);
    }
}
