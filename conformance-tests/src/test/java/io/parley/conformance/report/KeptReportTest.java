package io.parley.conformance.report;

import io.parley.conformance.PeerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The report kept in the repository: portable (no machine paths) and rewritten only on change. */
class KeptReportTest {

    /** Absolute paths as a machine would print them (a JDK, a temporary directory, a home, a checkout). */
    private static final Pattern MACHINE_PATH = Pattern.compile("(^|[\\s`'\"(=:])/(usr|tmp|root|home|work|opt|var|srv|mnt|private|Users)/");

    private static final List<PeerSpec> PEERS = List.of(
            new PeerSpec("java", List.of("/usr/lib/jvm/some-jdk/bin/java", "-cp", "/root/.m2/repository/x.jar", "Peer"), null),
            new PeerSpec("php", List.of("php", "/work/checkout/peer"), null));
    private static final List<MarkdownReport.CaseInfo> CASES = List.of(new MarkdownReport.CaseInfo("S-1", "a case", "3.1", "single"));

    private static List<Result> results(Status status) {
        return List.of(new Result("S-1", "a case", "3.1", "single", "java", "stdio", status, "", 12),
                new Result("S-1", "a case", "3.1", "single", "php", "stdio", status, "", 34));
    }

    private static String render(List<Result> results, long millis, boolean portable) {
        return MarkdownReport.render(PEERS, List.of("stdio"), Map.of(), CASES, results, List.of(), Map.<String, TreeSet<String>>of(),
                "not implemented", millis, Set.of("java", "php"), portable);
    }

    @Test
    void fullReportNamesCommandsAndDurationPortableOneDoesNot() {
        String full = render(results(Status.PASS), 229_000, false);
        assertThat(full).contains("/usr/lib/jvm/some-jdk/bin/java").contains("in 229 s");

        String portable = render(results(Status.PASS), 229_000, true);
        assertThat(MACHINE_PATH.matcher(portable).find()).as("machine path in:\n%s", portable).isFalse();
        assertThat(portable).doesNotContain(" s.").contains("| java | present |").contains("| php | present |");
        // independent of the run's duration and the peers' commands: only the results matter
        assertThat(render(results(Status.PASS), 1_000, true)).isEqualTo(portable);
        assertThat(render(results(Status.FAIL), 229_000, true)).isNotEqualTo(portable);
    }

    @Test
    void writtenOnlyWhenTheContentChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("REPORT.md");
        assertThat(KeptReport.update(file, "one")).isTrue();
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, old);

        assertThat(KeptReport.update(file, "one")).isFalse();
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);

        assertThat(KeptReport.update(file, "two")).isTrue();
        assertThat(Files.readString(file)).isEqualTo("two");
        assertThat(dir.resolve("REPORT.md.tmp")).doesNotExist();
    }

    @Test
    void theCopyInTheRepositoryHasNoMachinePaths() throws Exception {
        Path kept = Path.of("REPORT.md");
        assertThat(kept).as("conformance-tests/REPORT.md (the test runs in conformance-tests/)").exists();
        List<String> bad = Files.readAllLines(kept).stream().filter(l -> MACHINE_PATH.matcher(l).find()).toList();
        assertThat(bad).as("lines of conformance-tests/REPORT.md with a machine-specific path").isEmpty();
    }
}
