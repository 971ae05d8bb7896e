package io.parley.conformance.report;

import io.parley.conformance.PeerSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * REPORT.md: matrix of case × implementation/pairing × transport, totals, failures, reasons, coverage.
 * The full report (under target/) names each peer's command line and the run's duration; the
 * portable one (the copy kept in the repository, see {@link KeptReport}) names the peers only and
 * depends on nothing but the results, so it changes only when they do.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    public record CaseInfo(String id, String title, String section, String layer) {}

    /** The full report: peer command lines and the run's duration included. */
    public static String render(List<PeerSpec> peers, List<String> transports, Map<String, String> transportsNotRun,
                                List<CaseInfo> cases, List<Result> results, List<Coverage.Section> spec,
                                Map<String, TreeSet<String>> coverage, String notCoveredReasonShm, long millis, Set<String> required) {
        return render(peers, transports, transportsNotRun, cases, results, spec, coverage, notCoveredReasonShm, millis, required, false);
    }

    /**
     * @param portable true for the copy kept in the repository: no command lines (they hold machine
     *                 paths), no duration
     */
    public static String render(List<PeerSpec> peers, List<String> transports, Map<String, String> transportsNotRun,
                                List<CaseInfo> cases, List<Result> results, List<Coverage.Section> spec,
                                Map<String, TreeSet<String>> coverage, String notCoveredReasonShm, long millis, Set<String> required,
                                boolean portable) {
        StringBuilder b = new StringBuilder();
        long red = results.stream().filter(Result::red).count();
        long singleCount = cases.stream().filter(c -> c.layer().equals("single")).count();
        long pairCount = cases.size() - singleCount;
        b.append("# Parley conformance report\n\n");
        b.append("Written by the conformance runner (`io.parley.conformance.Main`, see [README.md](README.md)) against ")
                .append("[SPEC.md](../protocol-spec/SPEC.md) v1: ").append(cases.size()).append(" cases (").append(singleCount).append(" single-peer, ")
                .append(pairCount).append(" pair); transports ").append(String.join(", ", transports))
                .append("; ").append(results.size()).append(" cells").append(portable ? "" : " in " + millis / 1000 + " s").append(".\n\n");
        b.append(red == 0 ? "**Result: no red cell.**" : "**Result: " + red + " red cell" + (red == 1 ? "" : "s") + ".**");
        long missing = results.stream().filter(r -> r.status() == Status.MISSING).count();
        if (missing > 0) b.append(" ").append(missing).append(" cells not run because a peer program, or a role of it, is missing (see *Implementations*).");
        b.append("\n\nLegend: `pass`; **FAIL** (red, detail under *Failures*); `n/a` (cannot run there, reason under *Not applicable*); ")
                .append("`skip` (skipped by the driver with a reason the case allows); `missing` (peer program, or the role the case needs, not present yet).\n\n");

        b.append("## Implementations\n\n");
        b.append(required.isEmpty() ? "No peer is required: a missing peer program or role is reported as `missing`, not red.\n\n"
                : "Required peers (a missing program or role of theirs is a red cell): " + String.join(", ", new TreeSet<>(required)) + ".\n\n");
        b.append(portable ? "| name | state |\n|---|---|\n" : "| name | command | state |\n|---|---|---|\n");
        for (PeerSpec p : peers) {
            if (portable) {
                b.append("| ").append(p.name()).append(" | ").append(state(p).replace("|", "\\|")).append(" |\n");
                continue;
            }
            String cmd = p.commandLine();
            if (cmd.length() > 140) cmd = cmd.substring(0, 60) + " … " + cmd.substring(cmd.length() - 60);
            b.append("| ").append(p.name()).append(" | `").append(cmd.replace("|", "\\|")).append("` | ")
                    .append(state(p).replace("|", "\\|")).append(" |\n");
        }
        if (!transportsNotRun.isEmpty()) {
            b.append("\nTransports not run:\n\n");
            transportsNotRun.forEach((t, why) -> b.append("- `").append(t).append("`: ").append(why).append("\n"));
        }

        // totals per column
        b.append("\n## Totals\n\n| layer | column | pass | FAIL | n/a | skip | missing |\n|---|---|---|---|---|---|---|\n");
        Map<String, int[]> totals = new LinkedHashMap<>();
        int[] all = new int[Status.values().length];
        for (Result r : results) {
            totals.computeIfAbsent(r.layer() + "|" + r.columnKey(), k -> new int[Status.values().length])[r.status().ordinal()]++;
            all[r.status().ordinal()]++;
        }
        totals.forEach((k, v) -> {
            String[] p = k.split("\\|", 2);
            b.append("| ").append(p[0]).append(" | ").append(p[1]).append(row(v)).append("\n");
        });
        b.append("| **all** | ").append(row(all)).append("\n");

        for (String layer : List.of("single", "pair")) {
            List<Result> lr = results.stream().filter(r -> r.layer().equals(layer)).toList();
            if (lr.isEmpty()) continue;
            Set<String> cols = new LinkedHashSet<>();
            Set<String> hidden = new LinkedHashSet<>();
            for (Result r : lr) cols.add(r.columnKey());
            for (String c : cols) {
                if (lr.stream().filter(r -> r.columnKey().equals(c)).allMatch(r -> r.status() == Status.MISSING)) hidden.add(c);
            }
            cols.removeAll(hidden);
            b.append("\n## ").append(layer.equals("single") ? "Single-peer matrix (implementation/transport)" : "Pair matrix (driver→server/transport)").append("\n\n");
            if (!hidden.isEmpty()) b.append("Not shown (peer program missing): ").append(String.join(", ", hidden)).append(".\n\n");
            if (cols.isEmpty()) {
                b.append("No column could run.\n");
                continue;
            }
            b.append("| case | title | § |");
            for (String c : cols) b.append(" ").append(c).append(" |");
            b.append("\n|---|---|---|");
            b.append("---|".repeat(cols.size())).append("\n");
            Map<String, Map<String, Result>> grid = new LinkedHashMap<>();
            for (Result r : lr) grid.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).put(r.columnKey(), r);
            for (CaseInfo ci : cases) {
                if (!ci.layer().equals(layer) || !grid.containsKey(ci.id())) continue;
                b.append("| ").append(ci.id()).append(" | ").append(ci.title().replace("|", "\\|")).append(" | ").append(ci.section()).append(" |");
                for (String c : cols) {
                    Result r = grid.get(ci.id()).get(c);
                    b.append(" ").append(r == null ? "" : cell(r)).append(" |");
                }
                b.append("\n");
            }
        }

        List<Result> fails = results.stream().filter(Result::red).toList();
        b.append("\n## Failures\n\n");
        if (fails.isEmpty()) b.append("None.\n");
        // cells of one column with the same detail (e.g. a required peer missing) are listed once
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        for (Result r : fails) groups.computeIfAbsent(r.columnKey() + "\u0000" + r.detail(), k -> new ArrayList<>()).add(r);
        for (List<Result> g : groups.values()) {
            Result r = g.get(0);
            if (g.size() == 1) {
                b.append("### ").append(r.caseId()).append(" on ").append(r.columnKey()).append(" — ").append(r.title()).append(" (§").append(r.section()).append(")\n\n");
            } else {
                b.append("### ").append(g.size()).append(" cells on ").append(r.columnKey()).append(" with the same detail: ")
                        .append(String.join(", ", g.stream().map(Result::caseId).toList())).append("\n\n");
            }
            b.append("```\n").append(r.detail().replace("```", "'''")).append("\n```\n\n");
        }

        b.append("\n## Not applicable and skipped (reasons)\n\n");
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.status() != Status.NA && r.status() != Status.SKIP) continue;
            if (transportsNotRun.containsKey(r.transport())) continue;
            reasons.computeIfAbsent(r.caseId() + " " + r.status().label + ": " + r.detail(), k -> new ArrayList<>()).add(r.columnKey());
        }
        if (reasons.isEmpty()) b.append("None.\n");
        reasons.forEach((k, v) -> b.append("- ").append(k.replace("\n", " ")).append(" — on ").append(String.join(", ", v)).append("\n"));

        b.append("\n## Spec coverage\n\nEvery section of SPEC.md that states a requirement (MUST, REQUIRED, SHALL) and the cases that cite it.\n\n");
        b.append("| § | section | requirement | cases |\n|---|---|---|---|\n");
        for (Coverage.Section s : spec) {
            TreeSet<String> ids = coverage.getOrDefault(s.number(), new TreeSet<>());
            String c;
            if (!ids.isEmpty()) c = String.join(", ", ids);
            else if (s.must() && s.number().equals("9.4")) c = "**none**: " + notCoveredReasonShm;
            else c = s.must() ? "**none**" : "";
            b.append("| ").append(s.number()).append(" | ").append(s.title()).append(" | ").append(s.must() ? "MUST" : "").append(" | ").append(c).append(" |\n");
        }
        return b.toString();
    }

    private static String state(PeerSpec p) {
        if (!p.present()) return "**missing**: " + p.missing();
        if (p.rolesMissing().isEmpty()) return "present";
        StringBuilder b = new StringBuilder("present; ");
        p.rolesMissing().forEach((role, why) -> b.append("**role ").append(role).append(" missing**: ").append(why).append("; "));
        return b.substring(0, b.length() - 2);
    }

    private static String row(int[] v) {
        return " | " + v[Status.PASS.ordinal()] + " | " + (v[Status.FAIL.ordinal()] > 0 ? "**" + v[Status.FAIL.ordinal()] + "**" : "0") + " | "
                + v[Status.NA.ordinal()] + " | " + v[Status.SKIP.ordinal()] + " | " + v[Status.MISSING.ordinal()] + " |";
    }

    private static String cell(Result r) {
        return switch (r.status()) {
            case PASS -> "pass";
            case FAIL -> "**FAIL**";
            default -> r.status().label;
        };
    }
}
