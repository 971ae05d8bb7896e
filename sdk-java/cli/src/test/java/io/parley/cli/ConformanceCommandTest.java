package io.parley.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley conformance} passes its arguments to the conformance runner and returns its status. */
class ConformanceCommandTest {

    @Test
    void aRequiredPeerThatDoesNotExistIsRed(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("REPORT.md");
        CliRun r = CliRun.of("conformance", "--peer", "ghost=" + dir.resolve("no-such-peer"), "--require", "ghost",
                "--transports", "stdio", "--cases", "S-001", "--layers", "single", "--report", report.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(Files.readString(report)).contains("ghost").contains("**Result: 1 red cell.**");
    }

    @Test
    void badArgumentsAreAUsageError() {
        CliRun r = CliRun.of("conformance", "--peer", "x=y", "--transports", "carrier-pigeon");
        assertThat(r.status()).isEqualTo(2);
    }
}
