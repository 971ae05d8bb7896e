package io.parley.conformance.single;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Msg;
import io.parley.conformance.wire.Wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Small matchers for cases. */
public final class Expect {
    private Expect() {}

    public static Predicate<Msg> response(long id, Object value) {
        JsonNode want = value == null ? null : Json.tree(value);
        return m -> {
            if (!m.is(Wire.RESPONSE, id)) return false;
            try {
                JsonNode got = m.json();
                return want == null ? got == null : Json.same(want, got);
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
    }

    public static Predicate<Msg> error(long id, int code) {
        return m -> m.is(Wire.ERROR, id) && Integer.valueOf(code).equals(m.errorCode());
    }

    public static Predicate<Msg> pong(long id) {
        return m -> m.is(Wire.PONG, id);
    }

    public static Predicate<Msg> kind(int kind) {
        return m -> m.kind() == kind;
    }

    /**
     * The next {@code expectations.size()} messages match the expectations in any order, each
     * exactly once (for answers whose order the spec leaves open, §6.2).
     */
    public static void unordered(Script s, Map<String, Predicate<Msg>> expectations) {
        Map<String, Predicate<Msg>> left = new LinkedHashMap<>(expectations);
        List<String> got = new ArrayList<>();
        while (!left.isEmpty()) {
            Msg m = s.next("any of " + left.keySet() + (got.isEmpty() ? "" : " (after " + got + ")"));
            String hit = null;
            for (Map.Entry<String, Predicate<Msg>> e : left.entrySet()) {
                if (e.getValue().test(m)) {
                    hit = e.getKey();
                    break;
                }
            }
            if (hit == null) throw s.fail("expected one of " + left.keySet() + ", got " + m + (got.isEmpty() ? "" : " (after " + got + ")"));
            left.remove(hit);
            got.add(hit);
        }
    }

    public static Map<String, Predicate<Msg>> of(Object... nameThenPredicate) {
        Map<String, Predicate<Msg>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenPredicate.length; i += 2) {
            @SuppressWarnings("unchecked")
            Predicate<Msg> p = (Predicate<Msg>) nameThenPredicate[i + 1];
            m.put((String) nameThenPredicate[i], p);
        }
        return m;
    }
}
