package io.parley.internal.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.internal.frame.FrameDescriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The HELLO object of SPEC §8.2: building ours, validating theirs. */
public record Hello(List<Integer> versions, String peer, List<String> codecs, List<String> compression, int maxFrame,
        long maxMessage, int maxInFlight, int heartbeatMs, int caps, String token, Long pid) {

    static final ObjectMapper JSON = new ObjectMapper();
    /** SPEC §8.2: the longest {@code peer} name, in Unicode characters (code points). */
    static final int MAX_PEER_CHARS = 256;

    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putPOJO("versions", versions);
        o.put("peer", peer);
        o.putPOJO("codecs", codecs);
        o.putPOJO("compression", compression);
        o.put("max_frame", maxFrame);
        o.put("max_message", maxMessage);
        o.put("max_in_flight", maxInFlight);
        o.put("heartbeat_ms", heartbeatMs);
        o.put("caps", caps);
        if (token != null) {
            o.put("token", token);
        }
        if (pid != null) {
            o.put("pid", pid);
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and range-checks a peer's HELLO; malformed (also an empty {@code versions} or a {@code peer} over 256 characters, SPEC 1.1 §8.2) → HANDSHAKE_FAILED. */
    public static Hello parse(byte[] body) {
        JsonNode o;
        try {
            o = JSON.readTree(body);
        } catch (IOException e) {
            throw failed("HELLO body is not valid JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw failed("HELLO body must be a JSON object");
        }
        List<Integer> versions = new ArrayList<>();
        JsonNode v = o.get("versions");
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw failed("HELLO needs a non-empty 'versions' array");
        }
        for (JsonNode x : v) {
            if (!x.canConvertToInt() || !x.isIntegralNumber()) {
                throw failed("HELLO 'versions' must hold integers");
            }
            versions.add(x.intValue());
        }
        String peer = text(o, "peer");
        if (peer.codePointCount(0, peer.length()) > MAX_PEER_CHARS) {
            throw failed("HELLO 'peer' must be at most " + MAX_PEER_CHARS + " Unicode characters, got "
                    + peer.codePointCount(0, peer.length()));
        }
        List<String> codecs = strings(o, "codecs");
        List<String> compression = strings(o, "compression");
        long maxFrame = integer(o, "max_frame");
        long maxMessage = integer(o, "max_message");
        long maxInFlight = integer(o, "max_in_flight");
        long heartbeat = integer(o, "heartbeat_ms");
        long caps = integer(o, "caps");
        if (!codecs.contains("json")) {
            throw failed("HELLO 'codecs' must include \"json\", got " + codecs);
        }
        if (maxFrame < FrameDescriptor.MIN_MAX_FRAME || maxFrame > FrameDescriptor.MAX_MAX_FRAME) {
            throw failed("HELLO max_frame " + maxFrame + " outside 16384..16777216");
        }
        if (maxMessage < maxFrame) {
            throw failed("HELLO max_message " + maxMessage + " is below max_frame " + maxFrame);
        }
        if (maxInFlight < 1 || maxInFlight > Integer.MAX_VALUE) {
            throw failed("HELLO max_in_flight must be at least 1, got " + maxInFlight);
        }
        if (heartbeat < 0 || heartbeat > Integer.MAX_VALUE) {
            throw failed("HELLO heartbeat_ms must be >= 0, got " + heartbeat);
        }
        JsonNode t = o.get("token");
        String token = t != null && t.isTextual() ? t.asText() : null;
        JsonNode p = o.get("pid");
        Long pid = p != null && p.isIntegralNumber() ? p.asLong() : null;
        return new Hello(versions, peer, codecs, compression, (int) maxFrame, maxMessage, (int) maxInFlight, (int) heartbeat,
                (int) caps, token, pid);
    }

    private static String text(JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || !n.isTextual()) {
            throw failed("HELLO needs a string '" + name + "'");
        }
        return n.asText();
    }

    private static long integer(JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw failed("HELLO needs an integer '" + name + "'");
        }
        return n.asLong();
    }

    private static List<String> strings(JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || !n.isArray()) {
            throw failed("HELLO needs an array of strings '" + name + "'");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : n) {
            if (!x.isTextual()) {
                throw failed("HELLO '" + name + "' must hold strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static ParleyException failed(String message) {
        return new ParleyException(ErrorCode.HANDSHAKE_FAILED, message);
    }
}
