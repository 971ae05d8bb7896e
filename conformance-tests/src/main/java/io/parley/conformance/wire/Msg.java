package io.parley.conformance.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.zip.DataFormatException;

/**
 * One complete message received from the testee: a single frame, or a chunked message reassembled
 * (§5). {@code frameSizes} holds each frame's payload length; {@code flags} are the first frame's
 * flags without MORE/CONTINUATION.
 */
public record Msg(int kind, long id, int flags, int codec, int compression, byte[] meta, byte[] body, List<Integer> frameSizes) {

    public boolean is(int k, long i) {
        return kind == k && id == i;
    }

    /** The body decompressed (deflate supported by the runner). */
    public byte[] plainBody() {
        if (compression == Wire.COMP_NONE) return body;
        if (compression == Wire.COMP_DEFLATE) {
            try {
                return Wire.inflate(body, Wire.DEFAULT_MAX_MESSAGE);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("testee sent a corrupt deflate body: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("testee used compression " + compression + " which the runner did not offer");
    }

    /** The value: null for an empty body, JSON tree for codec json; otherwise an error. */
    public JsonNode json() {
        if (body.length == 0) return null;
        if (codec != Wire.CODEC_JSON) throw new IllegalArgumentException("expected a JSON body, got codec " + codec);
        return Json.parse(plainBody());
    }

    public String method() {
        return FrameRules.method(new Frame(1, kind, 0, id, codec, compression, meta, body));
    }

    /** For ERROR messages: the {@code code} member, or null when the body is not an error object. */
    public Integer errorCode() {
        try {
            JsonNode n = json();
            return n != null && n.path("code").isIntegralNumber() ? n.get("code").intValue() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        Frame f = new Frame(1, kind, flags, id, codec, compression, meta, body);
        String s = f.toString();
        if (kind == Wire.ERROR) {
            Integer c = errorCode();
            if (c != null) s += " [" + Wire.codeName(c) + "]";
        }
        return frameSizes.size() > 1 ? s + " in " + frameSizes.size() + " frames" : s;
    }
}
