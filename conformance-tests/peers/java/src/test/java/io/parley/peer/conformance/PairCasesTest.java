package io.parley.peer.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The driver runs the pair scenarios exactly as conformance-tests lists them: same ids, titles,
 * SPEC sections and time bounds as the README table and pair-cases.json.
 */
class PairCasesTest {
    /** This module is conformance-tests/peers/java: the suite is two directories up. */
    private static final Path CONFORMANCE = Path.of("../..");
    private static final Pattern ROW = Pattern.compile("^\\| (P-\\d{3}) \\| (.+?) \\| (.+?) \\|");

    @Test
    void idsTitlesAndSectionsMatchTheReadme() throws Exception {
        Path readme = CONFORMANCE.resolve("README.md");
        assumeTrue(Files.exists(readme), "conformance-tests/README.md is not two directories above peers/java");
        Map<String, List<String>> listed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(readme)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                listed.put(m.group(1), List.of(m.group(2).replace(" *(ends server)*", "").trim(), m.group(3).trim()));
            }
        }
        assertThat(listed).isNotEmpty();
        Map<String, List<String>> implemented = new LinkedHashMap<>();
        for (PairCase c : PairCases.all()) {
            implemented.put(c.id(), List.of(c.title(), c.section()));
        }
        assertThat(implemented).containsExactlyEntriesOf(listed);
    }

    @Test
    void boundsMatchPairCasesJson() throws Exception {
        Path json = CONFORMANCE.resolve("src/main/resources/pair-cases.json");
        assumeTrue(Files.exists(json), "pair-cases.json is not two directories above peers/java");
        JsonNode cases = JsonValues.MAPPER.readTree(json.toFile()).path("cases");
        Map<String, Integer> listed = new LinkedHashMap<>();
        cases.forEach(c -> listed.put(c.path("id").asText(), c.path("bound").asInt(30)));
        Map<String, Integer> implemented = new LinkedHashMap<>();
        PairCases.all().forEach(c -> implemented.put(c.id(), c.boundSeconds()));
        assertThat(implemented).containsExactlyEntriesOf(listed);
    }
}
