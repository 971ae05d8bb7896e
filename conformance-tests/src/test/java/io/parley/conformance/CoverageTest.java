package io.parley.conformance;

import io.parley.conformance.report.Coverage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** "Done when every spec section with a MUST has at least one case." */
class CoverageTest {
    /** Sections with a MUST that no case can check yet, with the reason (shown in REPORT.md too). */
    // §9: the listener's bounds on connections that have not completed their handshake (cap,
    // timeout, back-off after a failed accept) need many connections and minutes of waiting; the
    // SDKs' PendingHandshakesTest (Java) and PendingHandshakeTest (PHP) check them instead.
    private static final Set<String> NOT_YET = Set.of("9", "9.4");

    @Test
    void everySectionWithAMustHasACase() throws IOException {
        List<Coverage.Section> spec = Coverage.sections(Path.of("../protocol-spec/SPEC.md"));
        assertThat(spec).extracting(Coverage.Section::number).contains("3.1", "5", "8.2", "10.2");
        Map<String, TreeSet<String>> cov = Coverage.map(spec, Conformance.allCaseSections());
        List<String> uncovered = new ArrayList<>();
        for (Coverage.Section s : spec) {
            if (s.must() && cov.get(s.number()).isEmpty() && !NOT_YET.contains(s.number())) uncovered.add("§" + s.number() + " " + s.title());
        }
        assertThat(uncovered).as("sections with a MUST and no case").isEmpty();
    }

    @Test
    void casesCiteSectionsThatExist() throws IOException {
        List<Coverage.Section> spec = Coverage.sections(Path.of("../protocol-spec/SPEC.md"));
        Set<String> numbers = new TreeSet<>();
        spec.forEach(s -> numbers.add(s.number()));
        List<String> bad = new ArrayList<>();
        Conformance.allCaseSections().forEach((id, sec) -> {
            for (String c : Coverage.cited(sec)) if (!numbers.contains(c)) bad.add(id + " cites §" + c);
        });
        assertThat(bad).isEmpty();
    }
}
