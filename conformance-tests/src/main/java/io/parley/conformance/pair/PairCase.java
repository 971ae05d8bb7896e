package io.parley.conformance.pair;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conformance.wire.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A pair scenario: the driving peer runs it (conformance-tests/README.md has the exact procedure
 * and pass rule); the runner knows its id, title, section, time bound, whether it stops a
 * listening server, and when a skip is acceptable.
 */
public record PairCase(String id, String title, String section, int bound, boolean endsServer, String skip) {

    public static List<PairCase> all() {
        try (InputStream in = PairCase.class.getResourceAsStream("/pair-cases.json")) {
            if (in == null) throw new IllegalStateException("pair-cases.json missing from the classpath");
            JsonNode root = Json.M.readTree(in);
            List<PairCase> l = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                l.add(new PairCase(c.get("id").asText(), c.get("title").asText(), c.get("section").asText(),
                        c.path("bound").asInt(30), c.path("endsServer").asBoolean(false), c.path("skip").asText("never")));
            }
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when a skip by the driver is acceptable for this pairing, else why not. */
    public String skipProblem(String driver, String server) {
        return switch (skip) {
            case "cross-language" -> driver.equals(server) ? "a skip is acceptable only for a cross-language pairing" : null;
            case "if-unavailable" -> null;
            default -> "this case may not be skipped";
        };
    }
}
