package io.parley.conformance;

import io.parley.conformance.report.Result;
import io.parley.conformance.report.Status;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The conformance matrix in the Maven build: sdk-java's ConformancePeer and the PHP peer
 * conformance-tests/peers/php/bin/parley-peer, single-peer and pair layers, over stdio, Unix socket and TCP. Writes
 * conformance-tests/REPORT.md and JUnit XML; any red cell fails the build. A peer program that
 * is not there yet (or a role it does not implement yet) is reported as missing and printed
 * loudly; it is red only for peers listed in {@code parley.conformance.require}.
 */
class ConformanceMatrixTest {
    private static final String ALL_TRANSPORTS = "stdio,unix,tcp,shm";

    private static String prop(String k, String def) {
        String v = System.getProperty(k);
        return v == null || v.isBlank() ? def : v.trim();
    }

    static PeerSpec javaPeer(Path repo) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path cpFile = Path.of(prop("parley.sdk.classpathFile", repo.resolve("conformance-tests/target/sdk-classpath.txt").toString()));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        if (!Files.exists(cpFile)) {
            return new PeerSpec("java", cmd, "the Java peer classpath is unknown (" + cpFile + " missing): build from the root (./mvnw verify) "
                    + "or pass -Dparley.sdk.classpathFile");
        }
        String cp = Files.readString(cpFile).trim();
        cmd.addAll(List.of("-cp", cp, "io.parley.peer.ConformancePeer"));
        String cls = "io/parley/peer/ConformancePeer.class";
        for (String e : cp.split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && Files.exists(p.resolve(cls))) return new PeerSpec("java", cmd, null);
            if (Files.isRegularFile(p) && e.endsWith(".jar")) {
                try (ZipFile z = new ZipFile(p.toFile())) {
                    if (z.getEntry(cls) != null) return new PeerSpec("java", cmd, null);
                }
            }
        }
        return new PeerSpec("java", cmd, "io.parley.peer.ConformancePeer is not in the Java peer build (conformance-tests/peers/java) yet");
    }

    static PeerSpec phpPeer(Path repo) {
        String php = prop("parley.php", "php");
        Path peer = repo.resolve("conformance-tests/peers/php/bin/parley-peer");
        List<String> cmd = List.of(php, peer.toString());
        if (!Files.exists(peer)) return new PeerSpec("php", cmd, peer + " does not exist yet");
        try {
            Process p = new ProcessBuilder(php, "-r", "exit(PHP_VERSION_ID >= 80200 ? 0 : 1);").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) return new PeerSpec("php", cmd, "no PHP >= 8.2 at '" + php + "'");
        } catch (IOException e) {
            return new PeerSpec("php", cmd, "cannot run '" + php + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new PeerSpec("php", cmd, null);
    }

    @Test
    void matrix() throws Exception {
        assumeFalse(Boolean.parseBoolean(prop("parley.conformance.skip", "false")), "parley.conformance.skip=true");
        Path repo = Path.of(prop("parley.repo", "..")).toAbsolutePath().normalize();
        List<PeerSpec> peers = List.of(javaPeer(repo), phpPeer(repo));
        List<String> layers = Arrays.asList(prop("parley.conformance.layers", "single,pair").split(","));
        // both peers are required unless told otherwise (-Dparley.conformance.require=none or =php, ...)
        java.util.Set<String> required = Main.requiredPeers(prop("parley.conformance.require", "java,php"));
        Path report = Path.of(prop("parley.conformance.report", repo.resolve("conformance-tests/target/REPORT.md").toString()));
        // the kept copy (conformance-tests/REPORT.md) shows the whole matrix: only a full run updates it
        boolean fullRun = prop("parley.conformance.transports", ALL_TRANSPORTS).equals(ALL_TRANSPORTS)
                && layers.containsAll(List.of("single", "pair")) && prop("parley.conformance.cases", "").isBlank()
                && peers.stream().allMatch(PeerSpec::present);
        String kept = prop("parley.conformance.keptReport", "");
        Path keptReport = fullRun && !kept.isBlank() ? Path.of(kept) : null;
        Path junit = Path.of(prop("parley.conformance.junit", repo.resolve("conformance-tests/target/conformance-reports").toString()));
        String banner = "=".repeat(100);
        System.out.println(banner);
        System.out.println("Parley conformance matrix: peers " + peers.stream().map(p -> p.name() + (p.present() ? "" : " (MISSING)")).toList()
                + ", transports " + prop("parley.conformance.transports", ALL_TRANSPORTS) + ", layers " + layers);
        Conformance.Outcome o = Conformance.run(new Conformance.Config(peers, Arrays.asList(prop("parley.conformance.transports", ALL_TRANSPORTS).split(",")),
                layers.contains("single"), layers.contains("pair"), Main.caseFilter(prop("parley.conformance.cases", "S-*,P-*")),
                Main.allPairings(peers), report, junit, repo.resolve("protocol-spec/SPEC.md"), Double.parseDouble(prop("parley.conformance.timeScale", "1")),
                required, System.out::println, keptReport));
        List<String> problems = new ArrayList<>();
        long pass = 0, missing = 0;
        for (Result r : o.results()) {
            if (r.status() == Status.PASS) pass++;
            if (r.status() == Status.MISSING) missing++;
            // a required peer's missing cells are FAIL already (Conformance.requiredMissing)
            if (r.red()) problems.add("RED  " + r.caseId() + " " + r.columnKey() + " — " + r.title() + ": " + r.detail().lines().findFirst().orElse(""));
        }
        System.out.println(banner);
        System.out.println("conformance: " + o.results().size() + " cells, " + pass + " pass, " + o.red() + " red, " + missing + " missing; report " + report);
        if (missing > 0) {
            System.out.println("!!! " + missing + " cells NOT RUN because a peer program or role is missing (see REPORT.md); "
                    + "not red: their peers are not in parley.conformance.require (" + (required.isEmpty() ? "none" : String.join(",", required)) + ")");
        }
        System.out.println(banner);
        assertThat(problems).as("red cells of the conformance matrix (details in " + report + ")").isEmpty();
    }
}
