package io.parley.conformance;

import io.parley.conformance.pair.PairCase;
import io.parley.conformance.pair.PairRunner;
import io.parley.conformance.report.Coverage;
import io.parley.conformance.report.JUnitXml;
import io.parley.conformance.report.KeptReport;
import io.parley.conformance.report.MarkdownReport;
import io.parley.conformance.report.Result;
import io.parley.conformance.report.Status;
import io.parley.conformance.single.SingleCase;
import io.parley.conformance.single.SingleCases;
import io.parley.conformance.single.SingleRunner;
import io.parley.conformance.transport.Transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The whole run: single-peer cases for every implementation × transport, pair cases for every
 * ordered pairing × transport, sequentially (bounded CPU on small CI machines), then REPORT.md and
 * JUnit XML. Used by {@link Main} and by the Maven build.
 */
public final class Conformance {

    /**
     * @param required   names of peers whose missing program or missing role is a red cell (FAIL),
     *                   not a {@code missing} one
     * @param keptReport the copy of the report kept in the repository (portable: no machine paths,
     *                   rewritten only when its content changes), or null to leave it alone
     */
    public record Config(List<PeerSpec> peers, List<String> transports, boolean single, boolean pair,
                         Predicate<String> caseFilter, List<String[]> pairings, Path report, Path junitDir, Path spec,
                         double timeScale, Set<String> required, Consumer<String> log, Path keptReport) {
        /** A run that writes no kept copy. */
        public Config(List<PeerSpec> peers, List<String> transports, boolean single, boolean pair,
                      Predicate<String> caseFilter, List<String[]> pairings, Path report, Path junitDir, Path spec,
                      double timeScale, Set<String> required, Consumer<String> log) {
            this(peers, transports, single, pair, caseFilter, pairings, report, junitDir, spec, timeScale, required, log, null);
        }
    }

    public record Outcome(List<Result> results, long red, Path report) {}

    private Conformance() {}

    public static Outcome run(Config cfg) throws IOException {
        long t0 = System.currentTimeMillis();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "parley-conf-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        List<Result> results = new ArrayList<>();
        List<SingleCase> singles = SingleCases.all().stream().filter(c -> cfg.caseFilter().test(c.id)).toList();
        List<PairCase> pairs = PairCase.all().stream().filter(c -> cfg.caseFilter().test(c.id())).toList();
        Map<String, String> notRun = new LinkedHashMap<>();
        List<Transport> ts = new ArrayList<>();
        for (String name : cfg.transports()) {
            Transport t = Transport.byName(name);
            ts.add(t);
            if (t.unavailableReason() != null) notRun.put(name, t.unavailableReason());
        }
        Consumer<String> log = cfg.log();
        List<PeerSpec> peers = new ArrayList<>();
        for (PeerSpec p : cfg.peers()) {
            PeerSpec q = RoleProbe.probe(p, dir);
            peers.add(q);
            String consequence = cfg.required().contains(p.name()) ? " — REQUIRED: its cells are red" : " — its cells are reported as missing, not run";
            if (!q.present()) {
                log.accept("!!! peer '" + p.name() + "' MISSING: " + p.missing() + consequence);
            } else {
                q.rolesMissing().forEach((role, why) -> log.accept("!!! peer '" + p.name() + "': role " + role + " NOT IMPLEMENTED (" + why + ")" + consequence));
            }
        }
        try {
            if (cfg.single() && !singles.isEmpty()) {
                SingleRunner sr = new SingleRunner(dir, cfg.timeScale(), log);
                for (PeerSpec p : peers) {
                    for (Transport t : ts) {
                        long a = System.currentTimeMillis();
                        List<Result> rs = sr.run(p, t, singles);
                        results.addAll(rs);
                        log.accept(summary("single", p.name() + "/" + t.name(), rs, a));
                    }
                }
            }
            if (cfg.pair() && !pairs.isEmpty()) {
                PairRunner pr = new PairRunner(dir, cfg.timeScale(), log);
                for (String[] pp : cfg.pairings()) {
                    PeerSpec d = find(peers, pp[0]), s = find(peers, pp[1]);
                    for (Transport t : ts) {
                        long a = System.currentTimeMillis();
                        List<Result> rs = pr.run(d, s, t, pairs);
                        results.addAll(rs);
                        log.accept(summary("pair", PairRunner.column(d, s) + "/" + t.name(), rs, a));
                    }
                }
            }
        } finally {
            deleteTree(dir);
        }
        results.replaceAll(r -> requiredMissing(r, peers, cfg.required()));
        long red = results.stream().filter(Result::red).count();
        List<MarkdownReport.CaseInfo> infos = new ArrayList<>();
        if (cfg.single()) for (SingleCase c : singles) infos.add(new MarkdownReport.CaseInfo(c.id, c.title, c.section, "single"));
        if (cfg.pair()) for (PairCase c : pairs) infos.add(new MarkdownReport.CaseInfo(c.id(), c.title(), c.section(), "pair"));
        List<Coverage.Section> spec = cfg.spec() != null && Files.exists(cfg.spec()) ? Coverage.sections(cfg.spec()) : List.of();
        Map<String, String> caseSections = allCaseSections();
        Map<String, TreeSet<String>> cov = Coverage.map(spec, caseSections);
        if (cfg.report() != null) {
            String md = MarkdownReport.render(peers, cfg.transports(), notRun, infos, results, spec, cov,
                    Transport.byName("shm").unavailableReason(), System.currentTimeMillis() - t0, cfg.required());
            if (cfg.report().getParent() != null) Files.createDirectories(cfg.report().getParent());
            Files.writeString(cfg.report(), md);
        }
        if (cfg.keptReport() != null) {
            String portable = MarkdownReport.render(peers, cfg.transports(), notRun, infos, results, spec, cov,
                    Transport.byName("shm").unavailableReason(), 0, cfg.required(), true);
            if (KeptReport.update(cfg.keptReport(), portable)) cfg.log().accept("conformance: results changed, rewrote " + cfg.keptReport());
        }
        if (cfg.junitDir() != null) JUnitXml.write(cfg.junitDir(), results);
        return new Outcome(results, red, cfg.report());
    }

    /** A cell not run because a required peer (or the role it needs) is missing is red. */
    static Result requiredMissing(Result r, List<PeerSpec> peers, Set<String> required) {
        if (r.status() != Status.MISSING || required.isEmpty()) return r;
        String culprit;
        if (r.layer().equals("single")) {
            culprit = r.column();
        } else {
            String[] ds = r.column().split("→", 2);
            PeerSpec d = find(peers, ds[0]);
            culprit = d.missing("drive") != null ? ds[0] : ds[1];
        }
        if (!required.contains(culprit)) return r;
        return new Result(r.caseId(), r.title(), r.section(), r.layer(), r.column(), r.transport(), Status.FAIL,
                "required peer '" + culprit + "' not run (missing; required by parley.conformance.require / --require): " + r.detail(), r.ms());
    }

    /** Every case of both layers with its cited sections (coverage counts cases, not runs). */
    public static Map<String, String> allCaseSections() {
        Map<String, String> m = new LinkedHashMap<>();
        for (SingleCase c : SingleCases.all()) m.put(c.id, c.section);
        for (PairCase c : PairCase.all()) m.put(c.id(), c.section());
        return m;
    }

    private static PeerSpec find(List<PeerSpec> peers, String name) {
        return peers.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("pairing names unknown peer '" + name + "'"));
    }

    private static String summary(String layer, String col, List<Result> rs, long since) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (Result r : rs) c.merge(r.status().label, 1L, Long::sum);
        return String.format("%-6s %-22s %s (%d s)", layer, col, c, (System.currentTimeMillis() - since) / 1000);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
