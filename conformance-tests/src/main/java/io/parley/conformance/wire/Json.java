package io.parley.conformance.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Strict JSON helpers: exact numbers (integers stay integers, floats stay floats). */
public final class Json {
    private Json() {}

    public static final ObjectMapper M = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode arr() {
        return JsonNodeFactory.instance.arrayNode();
    }

    public static JsonNode parse(String s) {
        try {
            return M.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a body; throws IllegalArgumentException with a readable message when invalid. */
    public static JsonNode parse(byte[] utf8) {
        if (!FrameRules.validUtf8(utf8, 0, utf8.length)) throw new IllegalArgumentException("body is not valid UTF-8");
        try {
            JsonNode n = M.readTree(utf8);
            if (n == null || n.isMissingNode()) throw new IllegalArgumentException("empty JSON document");
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    public static byte[] bytes(Object value) {
        try {
            return M.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String text(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    public static JsonNode tree(Object value) {
        return value instanceof JsonNode n ? n : M.valueToTree(value);
    }

    /**
     * JSON equality per the suite: same types, integers equal by value (whatever their width),
     * floats equal by value and never equal to integers, object member order ignored.
     */
    public static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) return a == b;
        if (a.isNumber() && b.isNumber()) {
            boolean ai = a.isIntegralNumber(), bi = b.isIntegralNumber();
            if (ai != bi) return false;
            return ai ? a.bigIntegerValue().equals(b.bigIntegerValue()) : a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.getNodeType() != b.getNodeType()) return false;
        if (a.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) return false;
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!same(e.getValue(), b.get(e.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }
}
