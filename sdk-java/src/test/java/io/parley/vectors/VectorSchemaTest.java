package io.parley.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the golden vector files in {@code conformance-tests/vectors/} against their JSON Schema
 * (draft 2020-12) and against invariants that span files and the SPEC. It does not decode any
 * vector: the SDK's own tests run the decoder against them.
 */
class VectorSchemaTest {

    private static final int MIN_VECTORS = 80;
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static Path vectorsDir;
    private static Path specFile;
    private static JsonNode schemaNode;
    private static Schema schema;
    /** file name -> parsed file, in name order. */
    private static final Map<String, JsonNode> FILES = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        vectorsDir = findVectorsDir();
        specFile = vectorsDir.getParent().getParent().resolve("protocol-spec").resolve("SPEC.md");
        assertThat(specFile).as("SPEC.md next to conformance-tests").isRegularFile();
        schemaNode = MAPPER.readTree(vectorsDir.resolve("schema.json").toFile());
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaNode);
        try (Stream<Path> list = Files.list(vectorsDir)) {
            for (Path p : list.filter(VectorSchemaTest::isVectorFile).sorted().toList()) {
                FILES.put(p.getFileName().toString(), MAPPER.readTree(p.toFile()));
            }
        }
        assertThat(FILES).as("vector files in %s", vectorsDir).isNotEmpty();
    }

    private static boolean isVectorFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".json") && !n.equals("schema.json") && Files.isRegularFile(p);
    }

    /** Walks up from the working directory to the one holding conformance-tests/vectors/schema.json. */
    private static Path findVectorsDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("conformance-tests").resolve("vectors");
            if (Files.isRegularFile(candidate.resolve("schema.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no conformance-tests/vectors/schema.json above " + dir);
    }

    private static List<JsonNode> allVectors() {
        List<JsonNode> out = new ArrayList<>();
        FILES.values().forEach(f -> f.get("vectors").forEach(out::add));
        return out;
    }

    private static List<String> errorsOf(JsonNode instance) {
        return schema.validate(instance).stream().map(Error::toString).toList();
    }

    // ------------------------------------------------------------------------------------------
    // The schema itself, and each file against it
    // ------------------------------------------------------------------------------------------

    @Test
    void schemaIsAValidDraft202012Schema() {
        assertThat(schemaNode.path("$schema").asText())
                .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        assertThat(meta.validate(schemaNode)).as("schema.json against the 2020-12 meta-schema").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyFileMatchesTheSchema() {
        return FILES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> assertThat(errorsOf(e.getValue())).as(e.getKey()).isEmpty()));
    }

    /** The schema test can fail: each of these single mutations of a valid file must be rejected. */
    @TestFactory
    Stream<DynamicTest> schemaRejectsBrokenVectors() {
        Map<String, Consumer<ObjectNode>> mutations = new LinkedHashMap<>();
        mutations.put("upper-case hex", v -> v.put("hex", v.get("hex").asText().toUpperCase(Locale.ROOT) + "AB"));
        mutations.put("odd-length hex", v -> v.put("hex", v.get("hex").asText() + "a"));
        mutations.put("missing expect", v -> v.remove("expect"));
        mutations.put("missing section", v -> v.remove("section"));
        mutations.put("unknown member", v -> v.put("comment", "x"));
        mutations.put("name not kebab-case", v -> v.put("name", "Not_Kebab"));
        mutations.put("section not a number", v -> v.put("section", "§3"));
        mutations.put("unknown stage", v -> ((ObjectNode) v.get("expect")).set("error", MAPPER.createObjectNode()
                .put("stage", "wire").put("code", -33000).put("name", "PROTOCOL_ERROR").put("fatal", true)));
        mutations.put("unknown error name", v -> ((ObjectNode) v.get("expect")).set("error", MAPPER.createObjectNode()
                .put("stage", "decode").put("code", -33000).put("name", "BROKEN").put("fatal", true)));
        mutations.put("unknown event type", v -> ((ObjectNode) v.get("expect").get("events").get(0)).put("type", "noise"));
        mutations.put("frame event without body", v -> ((ObjectNode) v.get("expect").get("events").get(0)).remove("body"));
        mutations.put("kind above 255", v -> ((ObjectNode) v.get("expect").get("events").get(0)).put("kind", 256));
        mutations.put("id above u32", v -> ((ObjectNode) v.get("expect").get("events").get(0)).put("id", 4294967296L));
        mutations.put("decoded with two shapes", v -> ((ObjectNode) v.get("expect").get("events").get(0))
                .set("decoded", MAPPER.createObjectNode().put("method", "x").put("json", 1)));
        mutations.put("config max_frame below 16 KiB", v -> v.set("config", MAPPER.createObjectNode().put("max_frame", 1024)));
        mutations.put("message with extra member", v -> ((ObjectNode) v.get("expect").get("messages").get(0))
                .set("decoded", new TextNode("x")));
        return mutations.entrySet().stream().map(m -> DynamicTest.dynamicTest(m.getKey(), () -> {
            JsonNode file = firstFileWithAFrameEventAndMessage();
            assertThat(errorsOf(file)).as("unmutated").isEmpty();
            ObjectNode vector = (ObjectNode) file.get("vectors").get(0);
            m.getValue().accept(vector);
            assertThat(errorsOf(file)).as(m.getKey()).isNotEmpty();
        }));
    }

    private static JsonNode firstFileWithAFrameEventAndMessage() {
        for (JsonNode file : FILES.values()) {
            for (JsonNode v : file.get("vectors")) {
                JsonNode expect = v.get("expect");
                if (expect.path("events").path(0).path("type").asText().equals("frame")
                        && expect.path("messages").size() > 0) {
                    ObjectNode copy = MAPPER.createObjectNode();
                    copy.putArray("vectors").add(v.deepCopy());
                    return copy;
                }
            }
        }
        throw new AssertionError("no vector with a frame event and a message");
    }

    // ------------------------------------------------------------------------------------------
    // Invariants across files
    // ------------------------------------------------------------------------------------------

    @Test
    void atLeastEightyVectors() {
        assertThat(allVectors()).hasSizeGreaterThanOrEqualTo(MIN_VECTORS);
    }

    @Test
    void namesAreUniqueAcrossFiles() {
        Map<String, String> seen = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        FILES.forEach((file, content) -> content.get("vectors").forEach(v -> {
            String previous = seen.putIfAbsent(v.get("name").asText(), file);
            if (previous != null) {
                duplicates.add(v.get("name").asText() + " (" + previous + ", " + file + ")");
            }
        }));
        assertThat(duplicates).isEmpty();
    }

    @Test
    void sectionsAreHeadingsOfTheSpec() throws IOException {
        Set<String> headings = specHeadings();
        assertThat(headings).as("SPEC.md headings").contains("3.5", "4", "5", "A");
        List<String> unknown = allVectors().stream()
                .filter(v -> !headings.contains(v.get("section").asText()))
                .map(v -> v.get("name").asText() + " -> " + v.get("section").asText())
                .toList();
        assertThat(unknown).isEmpty();
    }

    private static Set<String> specHeadings() throws IOException {
        Pattern numbered = Pattern.compile("^#{2,6}\\s+(\\d+(?:\\.\\d+)*)\\.?\\s");
        Pattern appendix = Pattern.compile("^#{2,6}\\s+Appendix\\s+([A-Z])\\.?\\s");
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(specFile)) {
            Matcher m = numbered.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
            m = appendix.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void everyKindIsCoveredByAFrameAndByAMessage() {
        Set<Integer> frameKinds = new TreeSet<>();
        Set<Integer> messageKinds = new TreeSet<>();
        for (JsonNode v : allVectors()) {
            v.get("expect").get("events").forEach(e -> {
                if (e.get("type").asText().equals("frame")) {
                    frameKinds.add(e.get("kind").asInt());
                }
            });
            v.get("expect").path("messages").forEach(m -> messageKinds.add(m.get("kind").asInt()));
        }
        assertThat(frameKinds).contains(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(messageKinds).contains(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void errorCodesNamesAndFatalityMatchSpecTable() throws IOException {
        Map<String, Integer> codes = new HashMap<>();
        Map<String, Boolean> fatal = new HashMap<>();
        // | -33000 | PROTOCOL_ERROR | yes, id 0 | **closes** | ... |
        Pattern row = Pattern.compile("^\\|\\s*(-3\\d{4})\\s*\\|\\s*([A-Z_]+)\\s*\\|[^|]*\\|\\s*\\**([a-z]+)\\**\\s*\\|");
        for (String line : Files.readAllLines(specFile)) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                codes.put(m.group(2), Integer.parseInt(m.group(1)));
                fatal.put(m.group(2), !m.group(3).equals("continues"));
            }
        }
        assertThat(codes).as("SPEC §7.2 table").hasSizeGreaterThanOrEqualTo(19);
        List<String> wrong = new ArrayList<>();
        int errors = 0;
        for (JsonNode v : allVectors()) {
            JsonNode error = v.get("expect").get("error");
            if (error.isNull()) {
                continue;
            }
            errors++;
            String name = error.get("name").asText();
            if (!codes.containsKey(name)
                    || codes.get(name) != error.get("code").asInt()
                    || fatal.get(name) != error.get("fatal").asBoolean()) {
                wrong.add(v.get("name").asText() + ": " + error);
            }
        }
        assertThat(errors).as("vectors with an error").isPositive();
        assertThat(wrong).isEmpty();
    }

    @Test
    void configsAreLegalReceiverLimits() {
        List<String> wrong = new ArrayList<>();
        for (JsonNode v : allVectors()) {
            JsonNode c = v.path("config");
            long maxFrame = c.path("max_frame").asLong(1_048_576L);
            long maxMessage = c.path("max_message").asLong(134_217_728L);
            if (maxMessage < maxFrame) {
                wrong.add(v.get("name").asText() + ": max_message " + maxMessage + " < max_frame " + maxFrame);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void decodedIsGivenOnlyWhereTheReadmeDefinesIt() {
        List<String> wrong = new ArrayList<>();
        int decodedCount = 0;
        for (JsonNode v : allVectors()) {
            for (JsonNode e : v.get("expect").get("events")) {
                JsonNode d = e.get("decoded");
                if (d == null) {
                    continue;
                }
                decodedCount++;
                int kind = e.get("kind").asInt();
                boolean continuation = (e.get("flags").asInt() & 0x0002) != 0;
                boolean ok = switch (kind) {
                    case 2 -> !continuation && d.has("timeout_ms") && d.has("method");
                    case 5 -> !continuation && d.has("method") && d.size() == 1;
                    case 1, 4, 10 -> d.has("json");
                    default -> false;
                };
                if (!ok) {
                    wrong.add(v.get("name").asText() + ": kind " + kind + " decoded " + d);
                }
            }
        }
        assertThat(decodedCount).isPositive();
        assertThat(wrong).isEmpty();
    }
}
