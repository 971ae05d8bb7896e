package io.parley.conformance;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.conformance.fake.FakePeer;
import io.parley.conformance.report.Result;
import io.parley.conformance.report.Status;
import io.parley.conformance.transport.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner tested against a small fake peer (test sources): a correct fake passes, and a fake
 * with an injected fault fails exactly the cases that check that rule. This is what keeps the
 * cases honest: each of them can fail.
 */
class FakePeerSelfTest {

    static List<String> fakeCommand(String... bugs) throws URISyntaxException {
        List<String> cp = new ArrayList<>();
        for (Class<?> c : List.of(FakePeer.class, Main.class, ObjectMapper.class, JsonParser.class, JsonAutoDetect.class)) {
            cp.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", String.join(File.pathSeparator, cp), FakePeer.class.getName()));
        // the fake takes options before or after its role: the runner appends the role after these
        if (bugs.length > 0) cmd.addAll(List.of("--bug", String.join(",", bugs)));
        return cmd;
    }

    private static Conformance.Outcome run(PeerSpec peer, String transports, String layers, String cases) throws Exception {
        return run(peer, transports, layers, cases, java.util.Set.of());
    }

    private static Conformance.Outcome run(PeerSpec peer, String transports, String layers, String cases, java.util.Set<String> required) throws Exception {
        List<String> l = List.of(layers.split(","));
        return Conformance.run(new Conformance.Config(List.of(peer), List.of(transports.split(",")), l.contains("single"), l.contains("pair"),
                Main.caseFilter(cases), Main.allPairings(List.of(peer)), null, null, null, 1.0, required, System.out::println));
    }

    private static Map<String, Status> statusById(Conformance.Outcome o) {
        return o.results().stream().collect(Collectors.toMap(r -> r.caseId() + "@" + r.columnKey(), Result::status));
    }

    @Test
    void correctFakePassesEverySingleCaseOverUnixAndEveryPairCaseOverTcp() throws Exception {
        PeerSpec fake = new PeerSpec("fake", fakeCommand(), null);
        Conformance.Outcome single = run(fake, "unix", "single", "S-*");
        assertThat(single.results().stream().filter(Result::red).map(r -> r.caseId() + ": " + r.detail())).isEmpty();
        assertThat(single.results()).filteredOn(r -> r.status() == Status.PASS).hasSizeGreaterThan(100);
        assertThat(single.results()).filteredOn(r -> r.status() == Status.NA).allMatch(r -> !r.detail().isBlank());
        Conformance.Outcome pair = run(fake, "tcp", "pair", "P-*");
        assertThat(pair.results().stream().filter(Result::red).map(r -> r.caseId() + ": " + r.detail())).isEmpty();
        assertThat(pair.results()).filteredOn(r -> r.status() == Status.SKIP).extracting(Result::caseId).containsExactly("P-006");
    }

    @Test
    void stdioSpecificCasesPassOnTheCorrectFake() throws Exception {
        PeerSpec fake = new PeerSpec("fake", fakeCommand(), null);
        Conformance.Outcome o = run(fake, "stdio", "single,pair", "S-001,S-016,S-017,S-065,S-070,S-100,S-123,P-027,P-028,P-029");
        assertThat(o.results().stream().filter(Result::red).map(r -> r.caseId() + ": " + r.detail())).isEmpty();
        assertThat(o.results()).filteredOn(r -> r.status() == Status.PASS).hasSize(10);
    }

    @Test
    void injectedFaultsAreDetected() throws Exception {
        record Fault(String bug, String cases, List<String> mustFail) {}
        List<Fault> faults = List.of(
                new Fault("no-pong", "S-060,S-023", List.of("S-060")),
                new Fault("lenient", "S-102,S-105,S-020", List.of("S-102", "S-105")),
                new Fault("allow-dup", "S-042", List.of("S-042")),
                new Fault("wrong-sum", "S-037,P-007,P-001", List.of("S-037", "P-007")),
                new Fault("no-auth", "S-011,S-013", List.of("S-011")),
                new Fault("world-socket", "S-120", List.of("S-120")),
                new Fault("ignore-deadline", "S-056,S-057", List.of("S-056")),
                new Fault("no-method-not-found", "S-023,P-022", List.of("S-023", "P-022")),
                new Fault("raw-echo-as-json", "S-021,P-002", List.of("S-021", "P-002")),
                // the listening server dies 20 ms after sending a fatal error (and is reaped some
                // 300 ms later: JVM exit): S-102 and S-110 (fatal errors) are to blame, not the
                // cases that ran on the dying server after them
                new Fault("die-after-fatal", "S-102,S-109,S-110,S-113", List.of("S-102", "S-110")),
                // pair layer: the server dies after P-012 (the only case calling notes); the cases
                // after it in the group must not be red for it
                new Fault("die-after-notes", "P-011,P-012,P-013,P-014,P-021", List.of("P-012")));
        for (Fault f : faults) {
            PeerSpec fake = new PeerSpec("fake", fakeCommand(f.bug()), null);
            Conformance.Outcome o = run(fake, "unix", "single,pair", f.cases());
            List<String> red = o.results().stream().filter(Result::red).map(Result::caseId).sorted().toList();
            assertThat(red).as("cases failing with --bug " + f.bug() + ": " + o.results()).containsExactlyElementsOf(f.mustFail().stream().sorted().toList());
        }
    }

    @Test
    void aMissingPeerAndAMissingRoleAreReportedNotRun(@TempDir Path tmp) throws Exception {
        PeerSpec ghost = new PeerSpec("ghost", List.of("/nonexistent/peer"), "no such program (test)");
        Conformance.Outcome o = run(ghost, "tcp", "single,pair", "S-001,P-001");
        assertThat(o.results()).extracting(Result::status).containsOnly(Status.MISSING);
        assertThat(o.red()).isZero();
        // a peer program that serves but says its drive role is not implemented yet
        Path wrapper = tmp.resolve("half-peer");
        Files.writeString(wrapper, "#!/bin/sh\nif [ \"$1\" = drive ]; then echo \"role 'drive' is not implemented\" >&2; exit 2; fi\nexec "
                + CommandLine.join(fakeCommand()) + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        PeerSpec half = new PeerSpec("half", List.of(wrapper.toString()), null);
        Map<String, Status> st = statusById(run(half, "tcp", "single,pair", "S-001,S-016,P-001"));
        assertThat(st).containsEntry("S-001@half/tcp", Status.PASS).containsEntry("S-016@half/tcp", Status.MISSING)
                .containsEntry("P-001@half→half/tcp", Status.MISSING);
        // required (the build's default for java and php): missing is red, with the reason
        Conformance.Outcome req = run(ghost, "tcp", "single,pair", "S-001,P-001", java.util.Set.of("ghost"));
        assertThat(req.results()).extracting(Result::status).containsOnly(Status.FAIL);
        assertThat(req.results()).allMatch(r -> r.detail().contains("required") && r.detail().contains("no such program (test)"));
        Map<String, Status> hr = statusById(run(half, "tcp", "single,pair", "S-001,S-016,P-001", java.util.Set.of("half")));
        assertThat(hr).containsEntry("S-001@half/tcp", Status.PASS).containsEntry("S-016@half/tcp", Status.FAIL)
                .containsEntry("P-001@half→half/tcp", Status.FAIL);
        assertThat(Main.requiredPeers("none")).isEmpty();
        assertThat(Main.requiredPeers(" java, php ")).containsExactlyInAnyOrder("java", "php");
    }

    @Test
    void aHangingPeerIsARedCellNotAHungBuild() throws Exception {
        // a "peer" that never answers: cat swallows our HELLO and waits
        PeerSpec mute = new PeerSpec("mute", List.of("sh", "-c", "exec sleep 300", "x"), null);
        long t0 = System.nanoTime();
        Conformance.Outcome o = run(mute, "stdio", "single", "S-001");
        assertThat(o.red()).isEqualTo(1);
        assertThat(o.results().get(0).detail()).contains("nothing arrived within");
        assertThat((System.nanoTime() - t0) / 1_000_000_000L).isLessThan(60);
    }
}
