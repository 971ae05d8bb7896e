package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON equality as the pair cases define it (README, "Returns V"): same types, numbers compared
 * exactly (an integer is never equal to a float, {@code 1.5} stays a float), arrays in order,
 * object members in any order.
 */
public final class JsonValues {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonValues() {
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("bad JSON literal in a scenario: " + json, e);
        }
    }

    public static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isIntegralNumber() || b.isIntegralNumber()) {
            return a.isIntegralNumber() && b.isIntegralNumber() && a.bigIntegerValue().equals(b.bigIntegerValue());
        }
        if (a.isNumber() || b.isNumber()) {
            return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                if (!same(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Compact JSON for a failure detail, cut to {@code max} characters. */
    public static String show(JsonNode v, int max) {
        String s = v == null ? "(no value)" : v.toString();
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    }

    public static String show(JsonNode v) {
        return show(v, 200);
    }
}
