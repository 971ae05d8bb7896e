package io.parley.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden vector in conformance-tests/vectors/*.json, fed whole, one byte at a time and split
 * at every offset: events, messages and the first error must match the vector exactly.
 */
class GoldenVectorTest {
    static final Path VECTORS = Path.of(System.getProperty("parley.vectors", "../conformance-tests/vectors"));
    private static final HexFormat HEX = HexFormat.of();

    static List<JsonNode> allVectors() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(VECTORS)) {
            return out;
        }
        try (Stream<Path> files = Files.list(VECTORS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().equals("schema.json"))
                    .sorted().toList()) {
                JsonNode root = DecodeRun.JSON.readTree(p.toFile());
                for (JsonNode v : root.path("vectors")) {
                    ((ObjectNode) v).put("_file", p.getFileName().toString());
                    out.add(v);
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyVectorDecodesAsSpecified() throws IOException {
        List<JsonNode> vectors = allVectors();
        assumeTrue(!vectors.isEmpty(), "no vector files yet in " + VECTORS.toAbsolutePath());
        return vectors.stream().map(v -> DynamicTest.dynamicTest(v.path("_file").asText() + ": " + v.path("name").asText(), () -> check(v)));
    }

    static void check(JsonNode v) {
        byte[] input = HEX.parseHex(v.path("hex").asText());
        boolean eof = v.path("eof").asBoolean(true);
        JsonNode expect = v.path("expect");
        JsonNode expectedEvents = mergeStray(expect.path("events"));
        JsonNode expectedError = expect.path("error").isMissingNode() ? JsonNodeFactory.instance.nullNode() : expect.path("error");

        List<List<Integer>> splits = new ArrayList<>();
        splits.add(List.of());
        List<Integer> each = new ArrayList<>();
        // every split offset; long inputs (limits vectors) take a bounded, evenly spread sample
        int stride = Math.max(1, input.length / 256);
        for (int i = 1; i < input.length; i++) {
            each.add(i);
            if (i % stride == 0 || i < 64 || input.length - i < 64) {
                splits.add(List.of(i));
            }
        }
        splits.add(each);
        for (List<Integer> cuts : splits) {
            String how = cuts.isEmpty() ? "whole" : cuts.size() == 1 ? "split at " + cuts.get(0) : "one byte at a time";
            DecodeRun run = DecodeRun.of(v.get("config")).run(input, cuts, eof);
            String ctx = v.path("name").asText() + " (" + how + ")";
            assertThat(norm(stripDecoded(run.events))).as(ctx + " events").isEqualTo(norm(stripDecoded(expectedEvents)));
            checkDecoded(expectedEvents, ctx);
            if (expect.has("messages")) {
                assertThat(norm(run.messages)).as(ctx + " messages").isEqualTo(norm(expect.get("messages")));
            }
            JsonNode actualError = run.error == null ? JsonNodeFactory.instance.nullNode() : run.error;
            if (!expectedError.isNull() && !expectedError.has("name")) {
                ((ObjectNode) actualError).remove("name");
            }
            assertThat(norm(actualError)).as(ctx + " error").isEqualTo(norm(expectedError));
        }
    }

    /** Re-parses so that int/long node types do not matter. */
    static JsonNode norm(JsonNode n) {
        try {
            return DecodeRun.JSON.readTree(n.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Adjacent stray events are merged before comparing (README). */
    static ArrayNode mergeStray(JsonNode events) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode e : events) {
            if ("stray".equals(e.path("type").asText()) && !out.isEmpty() && "stray".equals(out.get(out.size() - 1).path("type").asText())) {
                ObjectNode last = (ObjectNode) out.get(out.size() - 1);
                last.put("hex", last.get("hex").asText() + e.get("hex").asText());
            } else {
                out.add(e.deepCopy());
            }
        }
        return out;
    }

    private static ArrayNode stripDecoded(JsonNode events) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode e : events) {
            ObjectNode c = e.deepCopy();
            c.remove("decoded");
            if (c.has("hex")) {
                c.put("hex", c.get("hex").asText().toLowerCase());
            }
            out.add(c);
        }
        return out;
    }

    /** Checks the optional {@code decoded} member against our own reading of meta and body. */
    private static void checkDecoded(JsonNode events, String ctx) {
        for (JsonNode e : events) {
            JsonNode d = e.get("decoded");
            if (d == null) {
                continue;
            }
            byte[] meta = HEX.parseHex(e.path("meta").asText());
            byte[] body = HEX.parseHex(e.path("body").asText());
            int kind = e.path("kind").asInt();
            if (d.has("timeout_ms")) {
                long timeout = Integer.toUnsignedLong(FrameDescriptor.getInt(meta, 0));
                assertThat(timeout).as(ctx + " decoded timeout_ms").isEqualTo(d.get("timeout_ms").asLong());
            }
            if (d.has("method")) {
                int from = kind == FrameKind.REQUEST ? 4 : 0;
                assertThat(new String(meta, from, meta.length - from, StandardCharsets.UTF_8)).as(ctx + " decoded method")
                        .isEqualTo(d.get("method").asText());
            }
            if (d.has("json")) {
                try {
                    assertThat(DecodeRun.JSON.readTree(body)).as(ctx + " decoded json").isEqualTo(d.get("json"));
                } catch (IOException ex) {
                    throw new AssertionError(ctx + ": body is not JSON", ex);
                }
            }
        }
    }
}
