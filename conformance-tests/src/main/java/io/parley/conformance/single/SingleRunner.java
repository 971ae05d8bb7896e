package io.parley.conformance.single;

import io.parley.conformance.CaseFailed;
import io.parley.conformance.PeerSpec;
import io.parley.conformance.report.Result;
import io.parley.conformance.report.Status;
import io.parley.conformance.transport.ChildLaunch;
import io.parley.conformance.transport.Link;
import io.parley.conformance.transport.PeerProcess;
import io.parley.conformance.transport.Transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Runs single-peer cases against one implementation over one transport. */
public final class SingleRunner {

    private final Path dir;
    private final Duration wait;
    private final double scale;
    private final Consumer<String> log;

    /**
     * @param dir   private temp directory (socket files, reports)
     * @param scale multiplies every time bound (slow machines)
     */
    public SingleRunner(Path dir, double scale, Consumer<String> log) {
        this.dir = dir;
        this.scale = scale;
        this.wait = Duration.ofMillis((long) (5000 * scale));
        this.log = log;
    }

    /** A listening serving peer shared by the cases that need the same options. */
    private static final class Server {
        PeerProcess proc;
        String address;
        String startError;
    }

    /** A case (its index in the column's results) that ran on a shared server, and when it ended. */
    private record Use(int index, SingleCase c, long endedNanos) {}

    /** Re-running a case alone on a fresh server: did that server exit within {@code observe} after the case? */
    private static final class Probe {
        final Duration observe;
        boolean died;

        Probe(Duration observe) {
            this.observe = observe;
        }
    }

    /** Cases that ended this long before a server's death was noticed may have run on a dying server. */
    private Duration suspectWindow() {
        return Duration.ofMillis((long) (2000 * scale));
    }

    /** Per column, the time re-runs to attribute deaths may take (a peer that dies every time is not re-run forever). */
    private long rerunBudgetNanos;

    public List<Result> run(PeerSpec peer, Transport t, List<SingleCase> cases) {
        List<Result> out = new ArrayList<>();
        Map<List<String>, Server> pool = new HashMap<>();
        Map<Server, List<Use>> users = new HashMap<>();
        rerunBudgetNanos = (long) (90 * scale) * 1_000_000_000L;
        loggedRed.clear();
        try {
            for (SingleCase c : cases) {
                Server shared = pool.get(c.args);
                if (shared != null && shared.proc != null && !shared.proc.alive()) {
                    // it died after an earlier case's checks: the exit of a JVM, for one, is
                    // reaped up to ~300 ms after it decided to die (threads blocked in I/O)
                    pool.remove(c.args);
                    attribute(out, users.remove(shared), shared, false, "was found dead when " + c.id + " started", peer, t);
                }
                Result r = runOne(peer, t, c, pool, null);
                out.add(r);
                Server used = lastShared;
                if (used != null) {
                    users.computeIfAbsent(used, k -> new ArrayList<>()).add(new Use(out.size() - 1, c, System.nanoTime()));
                    if (lastSharedDied) attribute(out, users.remove(used), used, true, "exited during " + c.id, peer, t);
                }
                r = out.get(out.size() - 1);
                if (r.status() == Status.FAIL && loggedRed.add(out.size() - 1)) log.accept("  FAIL " + r.columnKey() + " " + c.id + " " + c.title + ": " + firstLine(r.detail()));
            }
            // the last cases on each shared server: give it a moment to show that it is dying
            long deadline = System.nanoTime() + (long) (500 * scale) * 1_000_000L;
            for (Map.Entry<Server, List<Use>> e : new ArrayList<>(users.entrySet())) {
                Server s = e.getKey();
                if (s.proc == null) continue;
                if (s.proc.waitExit(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) != null) {
                    attribute(out, e.getValue(), s, false, "exited after the last cases of the column", peer, t);
                }
            }
        } finally {
            for (Server s : pool.values()) if (s.proc != null) s.proc.close();
        }
        return out;
    }

    /**
     * A shared listening server died (PEER-CONTRACT: it must survive every session). Which case
     * killed it is not obvious: its exit may be reaped well after the session that caused it, so
     * the cases after it may have run on a dying server. The cases that ended shortly before the
     * death was noticed (at least the last one) are re-run in order, each alone on a fresh server
     * that is then watched: the first whose fresh server dies too is the cause. Every suspect after
     * it ran on a dying server, so its result becomes the one of its fresh run (and it is to blame
     * as well if its own fresh server died). If no re-run reproduces the death, it is still red:
     * on the case it happened during, or the last one before it was noticed, saying so.
     */
    private void attribute(List<Result> out, List<Use> uses, Server dead, boolean duringLast, String how, PeerSpec peer, Transport t) {
        if (uses == null || uses.isEmpty()) return;
        long now = System.nanoTime();
        int first = uses.size() - 1;
        while (first > 0 && now - uses.get(first - 1).endedNanos() <= suspectWindow().toNanos()) first--;
        List<Use> suspects = uses.subList(first, uses.size());
        Use last = uses.get(uses.size() - 1);
        String death = "the listening server " + how + dead.proc.exitInfo() + " (it must survive every session: PEER-CONTRACT)";
        String tried = String.join(", ", suspects.stream().map(u -> u.c().id).toList());
        Map<Use, Result> fresh = new HashMap<>();
        Map<Use, Boolean> died = new HashMap<>();
        boolean budgetSpent = false;
        for (Use u : suspects) {
            if (rerunBudgetNanos <= 0) {
                budgetSpent = true;
                break;
            }
            long a = System.nanoTime();
            Probe p = new Probe(Duration.ofMillis((long) (1500 * scale)));
            fresh.put(u, runOne(peer, t, u.c(), null, p));
            died.put(u, p.died);
            rerunBudgetNanos -= System.nanoTime() - a;
        }
        Use cause = suspects.stream().filter(u -> died.getOrDefault(u, false)).findFirst().orElse(null);
        if (cause == null) {
            if (duringLast && fresh.containsKey(last)) out.set(last.index(), annotated(fresh.get(last), death));
            markRed(out, last, death + dead.proc.tails() + (budgetSpent
                    ? "\n  not re-run to find the cause (this column's re-run budget is spent); blamed on " + last.c().id
                    : "\n  re-running " + tried + " alone on fresh servers did not reproduce it; blamed on " + last.c().id)
                    + ", the case " + (duringLast ? "it died during" : "last run on it"));
            return;
        }
        boolean after = false;
        for (Use u : suspects) {
            if (u == cause) {
                markRed(out, u, death + "; reproduced: a fresh server that served " + u.c().id + " alone exited too (cases re-run: " + tried + ")" + dead.proc.tails());
                after = true;
            } else if (after && fresh.containsKey(u)) {
                // it ran on a dying server: its run on a fresh server is its result
                out.set(u.index(), annotated(fresh.get(u), death));
                if (died.get(u)) markRed(out, u, "the listening server exited after this case too, run alone on a fresh server (PEER-CONTRACT)");
            }
        }
    }

    private static Result annotated(Result fresh, String death) {
        return fresh.status() == Status.FAIL
                ? withDetail(fresh, fresh.detail() + "\n  (this is its run on a fresh server: its first run met a dying server: " + death + ")")
                : fresh;
    }

    private static Result withDetail(Result r, String detail) {
        return new Result(r.caseId(), r.title(), r.section(), r.layer(), r.column(), r.transport(), Status.FAIL, detail, r.ms());
    }

    /** Indexes (in the column's results) of the red cells already printed. */
    private final java.util.Set<Integer> loggedRed = new java.util.HashSet<>();

    private void markRed(List<Result> out, Use u, String detail) {
        Result r = out.get(u.index());
        Result f = withDetail(r, r.status() == Status.FAIL ? r.detail() + "\n  also: " + detail : detail);
        out.set(u.index(), f);
        if (loggedRed.add(u.index())) log.accept("  FAIL " + f.columnKey() + " " + f.caseId() + " " + f.title() + ": " + firstLine(f.detail()));
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private Result result(PeerSpec peer, Transport t, SingleCase c, Status st, String detail, long ms) {
        return new Result(c.id, c.title, c.section, "single", peer.name(), t.name(), st, detail, ms);
    }

    /** What the case that just ran did with a shared (pooled) server: which one, and did it die. */
    private Server lastShared;
    private boolean lastSharedDied;

    /** {@code probe} non-null: on sockets, run alone on a fresh server and watch it afterwards. */
    private Result runOne(PeerSpec peer, Transport t, SingleCase c, Map<List<String>, Server> pool, Probe probe) {
        lastShared = null;
        lastSharedDied = false;
        String role = c.kind == SingleCase.Kind.TESTEE_INITIATES ? "drive" : "serve";
        if (peer.missing(role) != null) return result(peer, t, c, Status.MISSING, peer.missing(role), 0);
        if (t.unavailableReason() != null) return result(peer, t, c, Status.NA, t.unavailableReason(), 0);
        if (c.naReason(t.name()) != null) return result(peer, t, c, Status.NA, c.naReason(t.name()), 0);
        long t0 = System.nanoTime();
        Attempt a = new Attempt();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "case-" + c.id);
            th.setDaemon(true);
            return th;
        });
        String failure = null;
        long bound = (long) (c.boundSeconds * scale);
        Future<?> f = ex.submit(() -> {
            a.execute(peer, t, c, pool, probe);
            return null;
        });
        try {
            f.get(bound, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            failure = "timed out after " + bound + " s" + a.tails();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            failure = cause instanceof CaseFailed ? cause.getMessage() : describe(cause) + a.tails();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } finally {
            // stop the case thread before releasing its resources: otherwise it could still start
            // a process or touch the server pool after the cleanup (every wait in it is interruptible)
            f.cancel(true);
            ex.shutdownNow();
            try {
                if (!ex.awaitTermination(10, TimeUnit.SECONDS)) log.accept("  (case thread of " + c.id + " did not stop within 10 s)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String cleanup = a.cleanup(c, pool, t, failure != null, probe);
            if (failure == null && cleanup != null) failure = cleanup;
            if (probe == null) {
                lastShared = a.server != null && !a.dedicated ? a.server : null;
                lastSharedDied = a.serverDied;
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return failure == null ? result(peer, t, c, Status.PASS, "", ms) : result(peer, t, c, Status.FAIL, failure, ms);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** The resources of one case execution, released by {@link #cleanup}. */
    private final class Attempt {
        volatile Link link;
        volatile ChildLaunch launch;
        volatile PeerProcess child;
        volatile PeerProcess driver;
        volatile Transport.Listener listener;
        volatile Server server;
        volatile boolean dedicated;
        volatile ProcessContext pctx;
        volatile Script script;
        volatile boolean serverDied;

        String tails() {
            PeerProcess p = child != null ? child : driver != null ? driver : server != null ? server.proc : null;
            return p == null ? "" : p.tails();
        }

        void execute(PeerSpec peer, Transport t, SingleCase c, Map<List<String>, Server> pool, Probe probe) throws Exception {
            switch (c.kind) {
                case PROCESS -> {
                    pctx = new ProcessContext(peer.command(), t, dir, wait);
                    c.process.run(pctx);
                }
                case RUNNER_INITIATES -> {
                    Script s;
                    if (t.parentChild()) {
                        List<String> argv = new ArrayList<>(peer.command());
                        argv.addAll(t.serveArgs(dir));
                        argv.addAll(c.args);
                        launch = t.prepareChild();
                        child = PeerProcess.start("testee", argv, t.stdoutIsProtocol(), null, launch.environment());
                        link = launch.attach(child);
                        s = new Script(link, child, true, t.name(), wait);
                    } else {
                        dedicated = c.dedicatedServer || probe != null;
                        server = dedicated ? startServer(peer, t, c.args) : pool.computeIfAbsent(c.args, k -> startServer(peer, t, k));
                        if (server.startError != null) throw new CaseFailed(server.startError);
                        link = t.connect(server.address);
                        s = new Script(link, server.proc, false, t.name(), wait);
                        s.serverAddress(server.address);
                        if (!dedicated) s.sharedServer();
                    }
                    script = s;
                    c.session.run(s);
                    s.finish();
                }
                case TESTEE_INITIATES -> {
                    listener = t.listen(dir);
                    List<String> argv = new ArrayList<>(peer.command());
                    argv.addAll(t.driveArgs(listener.target()));
                    argv.addAll(List.of("--report", dir.resolve("ignored-report-" + c.id + "-" + t.name() + ".json").toString(), "--cases", "P-001"));
                    argv.addAll(c.args);
                    driver = PeerProcess.start("testee (drive)", argv, false, null);
                    try {
                        link = listener.accept(Duration.ofMillis((long) (15_000 * scale)));
                    } catch (IOException e) {
                        throw new CaseFailed("the testee did not connect: " + e.getMessage() + driver.exitInfo() + driver.tails());
                    }
                    Script s = new Script(link, driver, false, t.name(), wait);
                    c.session.run(s);
                    s.finish();
                }
            }
        }

        /** Releases everything; returns a failure the case must report, or null. */
        String cleanup(SingleCase c, Map<List<String>, Server> pool, Transport t, boolean failed, Probe probe) {
            String problem = null;
            if (link != null) link.close();
            if (launch != null) launch.close();
            if (child != null) {
                if (child.waitExit(Duration.ofSeconds(2)) == null) child.close();
            }
            if (driver != null) {
                if (driver.waitExit(Duration.ofSeconds(5)) == null) driver.close();
            }
            if (listener != null) listener.close();
            if (pctx != null) pctx.closeAll();
            if (server != null) {
                if (dedicated) {
                    if (probe != null && server.proc != null) probe.died = server.proc.waitExit(probe.observe) != null;
                    if (server.proc != null) server.proc.close();
                } else if (server.proc != null && (!server.proc.alive() || (failed && (script == null || script.closed())
                        && server.proc.waitExit(Duration.ofMillis((long) (1000 * scale))) != null))) {
                    // (a case that failed because the connection was refused or closed on it may
                    // have met a server that was already dying: a slow exit is waited for)
                    // a fatal error ends one connection, never the listening server (PEER-CONTRACT);
                    // run() decides whether this case or the one before it is to blame
                    serverDied = true;
                    problem = "the listening server exited during the case" + server.proc.exitInfo() + server.proc.tails();
                    pool.remove(c.args);
                }
            }
            return problem;
        }
    }

    private Server startServer(PeerSpec peer, Transport t, List<String> args) {
        Server s = new Server();
        List<String> argv = new ArrayList<>(peer.command());
        argv.addAll(t.serveArgs(dir));
        argv.addAll(args);
        try {
            s.proc = PeerProcess.start("testee (serve)", argv, false, null);
            s.address = s.proc.awaitListening(Duration.ofMillis((long) (20_000 * scale)));
        } catch (IOException e) {
            s.startError = "the serving peer did not start: " + e.getMessage() + "\n  command: " + io.parley.conformance.transport.CommandLine.abbreviate(argv);
            if (s.proc != null) {
                s.proc.close();
                s.proc = null;
            }
        }
        return s;
    }
}
