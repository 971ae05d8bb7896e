package io.parley.peer.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drive role end to end: launches the Java serve peer as its stdio child for every case and
 * writes a report that lists every requested case once, in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DriveRoleTest {
    @TempDir
    Path dir;

    private static String serverCommand() {
        List<String> words = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.parley.peer.ConformancePeer", "serve",
                "--transport", "stdio"));
        StringBuilder line = new StringBuilder();
        for (String w : words) {
            line.append(line.isEmpty() ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }

    @Test
    void drivesTheJavaServerOverStdioAndReportsEveryRequestedCase() throws Exception {
        Path report = dir.resolve("sub/report.json");
        PeerOptions o = PeerOptions.parse(new String[] {"drive", "--transport", "stdio", "--server", serverCommand(),
            "--report", report.toString(), "--cases", "P-013,P-999,P-001,P-013,P-021"});
        assertThat(new DriveRole(o).run()).isZero();

        JsonNode root = JsonValues.MAPPER.readTree(report.toFile());
        assertThat(root.path("impl").asText()).isEqualTo("java");
        assertThat(root.path("transport").asText()).isEqualTo("stdio");
        assertThat(root.path("server").asText()).isEqualTo("java");
        List<String> ids = new ArrayList<>();
        root.path("cases").forEach(c -> ids.add(c.path("id").asText()));
        assertThat(ids).containsExactly("P-013", "P-999", "P-001", "P-021");
        for (JsonNode c : root.path("cases")) {
            if (c.path("id").asText().equals("P-999")) {
                assertThat(c.path("status").asText()).isEqualTo("fail");
                assertThat(c.path("detail").asText()).isEqualTo("unknown case");
            } else {
                assertThat(c.path("status").asText()).as("%s", c).isEqualTo("pass");
                assertThat(c.path("title").asText()).isNotEmpty();
                assertThat(c.path("section").asText()).isNotEmpty();
            }
        }
    }

    @Test
    void aServerThatCannotBeReachedFailsEachCaseButTheDriverStillRuns() throws Exception {
        Path report = dir.resolve("r.json");
        PeerOptions o = PeerOptions.parse(new String[] {"drive", "--transport", "unix", "--connect", dir.resolve("nobody.sock").toString(),
            "--report", report.toString(), "--cases", "P-001,P-002"});
        assertThat(new DriveRole(o).run()).isZero();
        JsonNode cases = JsonValues.MAPPER.readTree(report.toFile()).path("cases");
        assertThat(cases).hasSize(2);
        cases.forEach(c -> {
            assertThat(c.path("status").asText()).isEqualTo("fail");
            assertThat(c.path("detail").asText()).startsWith("cannot open a session");
        });
    }

    @Test
    void wrongCommandLinesAreUsageErrors() {
        for (String[] args : List.of(new String[] {}, new String[] {"drive", "--transport", "carrier-pigeon"},
                new String[] {"serve", "--bogus", "1"}, new String[] {"drive", "--max-frame", "big"})) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeerOptions.parse(args))
                    .isInstanceOf(PeerOptions.UsageException.class);
        }
    }
}
