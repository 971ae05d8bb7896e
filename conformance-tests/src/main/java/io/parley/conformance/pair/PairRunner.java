package io.parley.conformance.pair;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conformance.PeerSpec;
import io.parley.conformance.report.Result;
import io.parley.conformance.report.Status;
import io.parley.conformance.transport.CommandLine;
import io.parley.conformance.transport.PeerProcess;
import io.parley.conformance.transport.Transport;
import io.parley.conformance.wire.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Pair cases: starts the serving peer (listening transports) and the driving peer, which runs the
 * scenarios through its SDK and writes its JSON report (PEER-CONTRACT.md); the runner checks the
 * report (every requested case exactly once, valid status, skips only where allowed) and turns
 * it into cells. Over stdio the driver launches the server itself from {@code --server}.
 */
public final class PairRunner {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Path dir;
    private final double scale;
    private final Consumer<String> log;

    public PairRunner(Path dir, double scale, Consumer<String> log) {
        this.dir = dir;
        this.scale = scale;
        this.log = log;
        this.rerunBudgetNanos = (long) (240 * scale) * 1_000_000_000L;
    }

    public static String column(PeerSpec driver, PeerSpec server) {
        return driver.name() + "→" + server.name();
    }

    public List<Result> run(PeerSpec driver, PeerSpec server, Transport t, List<PairCase> cases) {
        String col = column(driver, server);
        List<Result> out = new ArrayList<>();
        String missing = driver.missing("drive") != null ? driver.name() + ": " + driver.missing("drive")
                : server.missing("serve") != null ? server.name() + ": " + server.missing("serve") : null;
        if (missing != null || t.unavailableReason() != null) {
            for (PairCase c : cases) {
                out.add(new Result(c.id(), c.title(), c.section(), "pair", col, t.name(), missing != null ? Status.MISSING : Status.NA,
                        missing != null ? missing : t.unavailableReason(), 0));
            }
            return out;
        }
        // group: over stdio every case has its own child anyway; on sockets a case that ends the
        // server runs alone against a server of its own
        List<List<PairCase>> groups = new ArrayList<>();
        List<PairCase> shared = new ArrayList<>();
        for (PairCase c : cases) {
            if (c.endsServer() && !t.parentChild()) groups.add(List.of(c));
            else shared.add(c);
        }
        if (!shared.isEmpty()) groups.add(0, shared);
        Map<String, Result> byId = new HashMap<>();
        for (List<PairCase> g : groups) {
            List<Result> rs = runGroup(driver, server, t, g, col);
            if (serverDied != null && g.size() > 1 && rerunBudgetNanos <= 0) {
                // not re-run (budget spent): still red, on the group's last case, saying so
                Result l = rs.get(rs.size() - 1);
                rs.set(rs.size() - 1, new Result(l.caseId(), l.title(), l.section(), l.layer(), l.column(), l.transport(), Status.FAIL,
                        (l.status() == Status.FAIL ? l.detail() + "\n  also: " : "") + serverDied
                                + "\n  (which case killed it is unknown: the re-run budget of this run is spent; shown on the group's last case)", l.ms()));
            } else if (serverDied != null && g.size() > 1) {
                long a = System.nanoTime();
                // PEER-CONTRACT: a listening serve survives every session. Which case killed it,
                // and which ones only met a dying server, cannot be told from one run: every case
                // of the group runs again alone, against a fresh server watched after the case
                log.accept("  " + col + "/" + t.name() + ": the listening server died during the group; running each of its cases alone on a fresh server");
                String first = serverDied;
                rs = new ArrayList<>();
                for (PairCase c : g) {
                    Result r = runGroup(driver, server, t, List.of(c), col).get(0);
                    if (r.status() == Status.FAIL) {
                        r = new Result(r.caseId(), r.title(), r.section(), r.layer(), r.column(), r.transport(), Status.FAIL,
                                r.detail() + "\n  (run alone on a fresh server: in the group run, " + firstLine(first) + ")", r.ms());
                    }
                    rs.add(r);
                }
                rerunBudgetNanos -= System.nanoTime() - a;
            }
            for (Result r : rs) byId.put(r.caseId(), r);
        }
        for (PairCase c : cases) {
            Result r = byId.get(c.id());
            out.add(r);
            if (r.red()) log.accept("  FAIL " + r.columnKey() + " " + c.id() + " " + c.title() + ": " + firstLine(r.detail()));
        }
        return out;
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** Time the re-runs of groups whose server died may take, over the whole run. */
    private long rerunBudgetNanos;

    /** Set by {@link #runGroup}: non-null when its listening server died although no case of it should stop it. */
    private String serverDied;

    private List<Result> runGroup(PeerSpec driver, PeerSpec server, Transport t, List<PairCase> cases, String col) {
        serverDied = null;
        long bound = (long) ((cases.stream().mapToInt(PairCase::bound).sum() + 60) * scale);
        Path report = dir.resolve("pair-report-" + SEQ.incrementAndGet() + ".json");
        PeerProcess srv = null;
        PeerProcess drv = null;
        String runProblem = null;
        boolean timedOut = false;
        Integer serverExitAfter = null;
        long t0 = System.nanoTime();
        try {
            List<String> serveArgv = new ArrayList<>(server.command());
            serveArgv.addAll(t.serveArgs(dir));
            String target;
            if (t.parentChild()) {
                target = CommandLine.join(serveArgv);
            } else {
                srv = PeerProcess.start("server " + server.name(), serveArgv, false, null);
                target = srv.awaitListening(Duration.ofMillis((long) (20_000 * scale)));
            }
            List<String> driveArgv = new ArrayList<>(driver.command());
            driveArgv.addAll(t.driveArgs(target));
            driveArgv.addAll(List.of("--report", report.toString(), "--cases", String.join(",", cases.stream().map(PairCase::id).toList())));
            drv = PeerProcess.start("driver " + driver.name(), driveArgv, false, null);
            Integer st = drv.waitExit(Duration.ofSeconds(bound));
            if (st != null) drv.awaitDrained(Duration.ofSeconds(2));
            if (st == null) {
                timedOut = true;
                runProblem = "the driver did not finish: timed out after " + bound + " s (killed)" + drv.tails() + (srv != null ? srv.tails() : "");
            } else if (st != 0) {
                runProblem = "the driver could not run (exit status " + st + ")" + drv.tails() + (srv != null ? srv.tails() : "");
            }
            if (srv != null && cases.size() == 1 && cases.get(0).endsServer()) {
                serverExitAfter = srv.waitExit(Duration.ofSeconds(10));
            } else if (srv != null && srv.waitExit(Duration.ofMillis((long) (500 * scale))) != null) {
                // PEER-CONTRACT: a listening serve survives every session (the short wait: a
                // JVM's exit is reaped up to ~300 ms after it decided to die)
                srv.awaitDrained(Duration.ofSeconds(2));
                serverDied = "the listening server exited" + (cases.size() == 1 ? " after this case" : " during the group") + srv.exitInfo()
                        + " (PEER-CONTRACT: it must survive every session that does not stop it)" + srv.tails();
            }
        } catch (IOException e) {
            runProblem = "could not start the pair: " + e.getMessage() + (srv != null ? srv.tails() : "");
        } finally {
            if (drv != null) drv.close();
            if (srv != null) srv.close();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        List<Result> rs = interpret(driver, server, t, cases, col, report, runProblem, timedOut, serverExitAfter, ms, srv);
        if (serverDied != null && cases.size() == 1) {
            // a case run alone: its fresh server died, so it is the cause
            Result r = rs.get(0);
            rs.set(0, new Result(r.caseId(), r.title(), r.section(), r.layer(), r.column(), r.transport(), Status.FAIL,
                    r.status() == Status.FAIL ? r.detail() + "\n  also: " + serverDied : serverDied, r.ms()));
        }
        return rs;
    }

    private List<Result> interpret(PeerSpec driver, PeerSpec server, Transport t, List<PairCase> cases, String col, Path report,
                                   String runProblem, boolean timedOut, Integer serverExitAfter, long groupMs, PeerProcess srv) {
        Map<String, JsonNode> reported = new HashMap<>();
        String reportProblem = null;
        if (Files.exists(report)) {
            try {
                JsonNode root = Json.M.readTree(report.toFile());
                JsonNode arr = root.path("cases");
                if (!arr.isArray()) {
                    reportProblem = "the driver's report has no \"cases\" array";
                } else {
                    for (JsonNode c : arr) {
                        String id = c.path("id").asText("");
                        if (reported.containsKey(id)) reportProblem = "the driver reported " + id + " twice";
                        reported.put(id, c);
                    }
                }
            } catch (IOException e) {
                reportProblem = "the driver's report is not valid JSON: " + e.getMessage();
            }
        } else if (runProblem == null) {
            reportProblem = "the driver exited 0 but wrote no report at " + report;
        }
        List<Result> out = new ArrayList<>();
        for (PairCase c : cases) {
            JsonNode r = reported.get(c.id());
            Status st;
            String detail;
            long ms = 0;
            if (r == null) {
                st = Status.FAIL;
                detail = runProblem != null ? runProblem : reportProblem != null ? reportProblem : "the driver did not report this case";
                if (timedOut) detail = "timed out: " + detail;
            } else {
                ms = r.path("ms").asLong(0);
                detail = r.path("detail").asText("");
                String s = r.path("status").asText("");
                switch (s) {
                    case "pass" -> st = Status.PASS;
                    case "fail" -> st = Status.FAIL;
                    case "skip" -> {
                        String why = c.skipProblem(driver.name(), server.name());
                        if (detail.isBlank()) {
                            st = Status.FAIL;
                            detail = "skipped without a reason (PEER-CONTRACT: a skip MUST say why)";
                        } else if (why != null) {
                            st = Status.FAIL;
                            detail = "skipped (" + detail + "), but " + why;
                        } else {
                            st = Status.SKIP;
                        }
                    }
                    default -> {
                        st = Status.FAIL;
                        detail = "invalid status \"" + s + "\" in the driver's report";
                    }
                }
                if (st == Status.PASS && reportProblem != null) {
                    st = Status.FAIL;
                    detail = reportProblem;
                }
                if (st == Status.PASS && c.endsServer() && srv != null && serverExitAfter == null) {
                    st = Status.FAIL;
                    detail = "the driver passed, but the listening server was still running 10 s after the case (it should have stopped: " + c.title() + ")";
                }
            }
            out.add(new Result(c.id(), c.title(), c.section(), "pair", col, t.name(), st, detail, ms));
        }
        return out;
    }
}
