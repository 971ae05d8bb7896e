package io.parley.conformance;

import io.parley.conformance.pair.PairCase;
import io.parley.conformance.report.Result;
import io.parley.conformance.single.SingleCase;
import io.parley.conformance.single.SingleCases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Command line: tests any implementation that follows PEER-CONTRACT.md.
 * <pre>
 * java -cp ... io.parley.conformance.Main --peer java='java -cp ... io.parley.peer.ConformancePeer' \
 *      --peer php='php conformance-tests/peers/php/bin/parley-peer' --transports stdio,unix,tcp,shm --report REPORT.md
 * </pre>
 * Exit status: 0 no red cell, 1 red cells, 2 usage error.
 */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: Main --peer NAME=COMMAND [--peer NAME=COMMAND ...] [options]
              --peer NAME=COMMAND   an implementation: its name and the command that starts its peer program
                                    (PEER-CONTRACT.md); the command is split like a POSIX shell would
              --transports LIST     comma-separated: stdio,unix,tcp,shm (default; shm needs sdk-java's ring classes on the
                                    class path or -Dparley.sdk.classpathFile, and --add-exports
                                    java.base/jdk.internal.misc=ALL-UNNAMED)
              --layers LIST         single,pair (default both)
              --cases LIST          ids to run, e.g. S-001,S-05*,P-024 (default all)
              --pairs LIST          driver:server pairings, e.g. java:php,php:java (default every ordered pair)
              --report FILE         the Markdown matrix (default REPORT.md)
              --junit DIR           JUnit XML, one file per column (default none)
              --spec FILE           SPEC.md for the coverage table (default: found above the working directory)
              --time-scale X        multiply every time bound (slow machines; default 1)
              --require LIST        peers whose missing program or role is red (FAIL) instead of missing, e.g. java,php
                                    (default none)
              --list                print the cases and exit
            """;

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Runs the suite as the command line says; returns the exit status (0 green, 1 red, 2 usage). */
    public static int run(String[] args) throws Exception {
        List<PeerSpec> peers = new ArrayList<>();
        List<String> transports = List.of("stdio", "unix", "tcp", "shm");
        boolean single = true, pair = true, list = false;
        Predicate<String> filter = id -> true;
        List<String[]> pairings = null;
        Path report = Path.of("REPORT.md"), junit = null, spec = null;
        double scale = 1.0;
        java.util.Set<String> required = java.util.Set.of();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--list")) {
                    list = true;
                    continue;
                }
                if (a.equals("-h") || a.equals("--help")) {
                    System.out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value after " + a);
                String v = args[++i];
                switch (a) {
                    case "--peer" -> peers.add(PeerSpec.parse(v));
                    case "--transports" -> transports = Arrays.asList(v.split(","));
                    case "--layers" -> {
                        List<String> l = Arrays.asList(v.split(","));
                        single = l.contains("single");
                        pair = l.contains("pair");
                    }
                    case "--cases" -> filter = caseFilter(v);
                    case "--pairs" -> {
                        pairings = new ArrayList<>();
                        for (String p : v.split(",")) {
                            String[] dp = p.split(":");
                            if (dp.length != 2) throw new IllegalArgumentException("--pairs expects driver:server, got " + p);
                            pairings.add(dp);
                        }
                    }
                    case "--report" -> report = Path.of(v);
                    case "--junit" -> junit = Path.of(v);
                    case "--spec" -> spec = Path.of(v);
                    case "--time-scale" -> scale = Double.parseDouble(v);
                    case "--require" -> required = requiredPeers(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (list) {
                for (SingleCase c : SingleCases.all()) System.out.printf("%s  §%-10s %s%n", c.id, c.section, c.title);
                for (PairCase c : PairCase.all()) System.out.printf("%s  §%-10s %s%n", c.id(), c.section(), c.title());
                return 0;
            }
            if (peers.isEmpty()) throw new IllegalArgumentException("give at least one --peer");
            for (String t : transports) io.parley.conformance.transport.Transport.byName(t);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        if (pairings == null) pairings = allPairings(peers);
        if (spec == null) spec = findSpec();
        Conformance.Outcome o = Conformance.run(new Conformance.Config(peers, transports, single, pair, filter, pairings, report, junit, spec, scale,
                required, System.err::println));
        long pass = o.results().stream().filter(r -> r.status() == io.parley.conformance.report.Status.PASS).count();
        System.err.println("conformance: " + o.results().size() + " cells, " + pass + " pass, " + o.red() + " red; report: " + report.toAbsolutePath());
        for (Result r : o.results()) if (r.red()) System.err.println("  RED " + r.caseId() + " " + r.columnKey() + " — " + r.title());
        return o.red() == 0 ? 0 : 1;
    }

    public static List<String[]> allPairings(List<PeerSpec> peers) {
        List<String[]> l = new ArrayList<>();
        for (PeerSpec d : peers) for (PeerSpec s : peers) l.add(new String[] {d.name(), s.name()});
        return l;
    }

    /** {@code java,php}; {@code none} or empty = no peer required. */
    public static java.util.Set<String> requiredPeers(String v) {
        if (v == null || v.isBlank() || v.trim().equals("none")) return java.util.Set.of();
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public static Predicate<String> caseFilter(String v) {
        List<String> items = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return id -> items.stream().anyMatch(p -> p.endsWith("*") ? id.startsWith(p.substring(0, p.length() - 1)) : id.equals(p));
    }

    static Path findSpec() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            Path s = d.resolve("protocol-spec/SPEC.md");
            if (Files.exists(s)) return s;
            d = d.getParent();
        }
        return null;
    }
}
