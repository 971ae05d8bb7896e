package io.parley.conformance;

import io.parley.conformance.pair.PairCase;
import io.parley.conformance.single.SingleCase;
import io.parley.conformance.single.SingleCases;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** README.md lists exactly the cases the runner has, with the same titles and sections. */
class ReadmeSyncTest {

    private static Map<String, String[]> rows(String prefix) throws IOException {
        Map<String, String[]> m = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| (" + prefix + "-\\d{3}) \\| ([^|]*(?:\\\\\\|[^|]*)*) \\| ([^|]*(?:\\\\\\|[^|]*)*) \\|.*$");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher x = row.matcher(line);
            if (x.matches()) m.put(x.group(1), new String[] {x.group(2).trim().replace("\\|", "|"), x.group(3).trim().replace("\\|", "|")});
        }
        return m;
    }

    @Test
    void singleCasesMatchTheReadme() throws IOException {
        Map<String, String[]> readme = rows("S");
        List<String> problems = new ArrayList<>();
        for (SingleCase c : SingleCases.all()) {
            String[] r = readme.remove(c.id);
            if (r == null) problems.add(c.id + " is not in README.md");
            else if (!r[0].equals(c.section) || !r[1].equals(c.title)) problems.add(c.id + ": README says §" + r[0] + " \"" + r[1] + "\", code says §" + c.section + " \"" + c.title + "\"");
        }
        readme.keySet().forEach(id -> problems.add(id + " is in README.md but not implemented"));
        assertThat(problems).isEmpty();
    }

    @Test
    void pairCasesMatchTheReadme() throws IOException {
        Map<String, String[]> readme = rows("P");
        List<String> problems = new ArrayList<>();
        for (PairCase c : PairCase.all()) {
            String[] r = readme.remove(c.id());
            String title = r == null ? null : r[0].replace(" *(ends server)*", "");
            if (r == null) problems.add(c.id() + " is not in README.md");
            else if (!title.equals(c.title()) || !r[1].equals(c.section())) problems.add(c.id() + ": README says \"" + title + "\" §" + r[1] + ", pair-cases.json says \"" + c.title() + "\" §" + c.section());
        }
        readme.keySet().forEach(id -> problems.add(id + " is in README.md but not in pair-cases.json"));
        assertThat(problems).isEmpty();
    }

    @Test
    void idsAreUniqueAndWellFormed() {
        var seen = new HashSet<String>();
        for (SingleCase c : SingleCases.all()) {
            assertThat(c.id).matches("S-\\d{3}");
            assertThat(seen.add(c.id)).as("duplicate " + c.id).isTrue();
            assertThat(c.title).isNotBlank();
        }
        for (PairCase c : PairCase.all()) {
            assertThat(c.id()).matches("P-\\d{3}");
            assertThat(seen.add(c.id())).as("duplicate " + c.id()).isTrue();
        }
    }
}
