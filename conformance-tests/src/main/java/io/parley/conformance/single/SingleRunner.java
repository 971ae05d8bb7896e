package io.parley.conformance.single;

import io.parley.conformance.CaseFailed;
import io.parley.conformance.PeerSpec;
import io.parley.conformance.report.Result;
import io.parley.conformance.report.Status;
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

    public List<Result> run(PeerSpec peer, Transport t, List<SingleCase> cases) {
        List<Result> out = new ArrayList<>();
        Map<List<String>, Server> pool = new HashMap<>();
        // the last case (index into out) that used each shared server
        Map<Server, Integer> lastUser = new HashMap<>();
        try {
            for (SingleCase c : cases) {
                Server shared = pool.get(c.args);
                if (shared != null && shared.proc != null && !shared.proc.alive()) {
                    // it died after the last case's checks (e.g. EOF seen before the exit was
                    // reaped): that case is to blame, not this one
                    pool.remove(c.args);
                    blameLastUser(out, lastUser.remove(shared), shared, "exited right after this case");
                }
                Result r = runOne(peer, t, c, pool);
                out.add(r);
                Server used = pool.get(c.args);
                if (used != null && !c.dedicatedServer && c.kind == SingleCase.Kind.RUNNER_INITIATES) lastUser.put(used, out.size() - 1);
                if (r.status() == Status.FAIL) log.accept("  FAIL " + r.columnKey() + " " + c.id + " " + c.title + ": " + firstLine(r.detail()));
            }
            if (!lastUser.isEmpty()) {
                Thread.sleep(100); // the same grace the next case would have given the last one
                for (Map.Entry<Server, Integer> e : lastUser.entrySet()) {
                    if (e.getKey().proc != null && !e.getKey().proc.alive()) blameLastUser(out, e.getValue(), e.getKey(), "exited right after this case");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Server s : pool.values()) if (s.proc != null) s.proc.close();
        }
        return out;
    }

    /** A listening server must survive every case that does not stop it on purpose (PEER-CONTRACT). */
    private void blameLastUser(List<Result> out, Integer index, Server s, String what) {
        if (index == null) return;
        Result r = out.get(index);
        if (r.status() != Status.PASS) return;
        Result f = new Result(r.caseId(), r.title(), r.section(), r.layer(), r.column(), r.transport(), Status.FAIL,
                "the listening server " + what + " (it must survive every session: PEER-CONTRACT)" + s.proc.exitInfo() + s.proc.tails(), r.ms());
        out.set(index, f);
        log.accept("  FAIL " + f.columnKey() + " " + f.caseId() + " " + f.title() + ": " + firstLine(f.detail()));
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private Result result(PeerSpec peer, Transport t, SingleCase c, Status st, String detail, long ms) {
        return new Result(c.id, c.title, c.section, "single", peer.name(), t.name(), st, detail, ms);
    }

    private Result runOne(PeerSpec peer, Transport t, SingleCase c, Map<List<String>, Server> pool) {
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
            a.execute(peer, t, c, pool);
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
            String cleanup = a.cleanup(c, pool, t);
            if (failure == null && cleanup != null) failure = cleanup;
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
        volatile PeerProcess child;
        volatile PeerProcess driver;
        volatile Transport.Listener listener;
        volatile Server server;
        volatile boolean dedicated;
        volatile ProcessContext pctx;

        String tails() {
            PeerProcess p = child != null ? child : driver != null ? driver : server != null ? server.proc : null;
            return p == null ? "" : p.tails();
        }

        void execute(PeerSpec peer, Transport t, SingleCase c, Map<List<String>, Server> pool) throws Exception {
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
                        child = PeerProcess.start("testee", argv, t.stdoutIsProtocol(), null);
                        link = t.childLink(child);
                        s = new Script(link, child, true, t.name(), wait);
                    } else {
                        dedicated = c.dedicatedServer;
                        server = dedicated ? startServer(peer, t, c.args) : pool.computeIfAbsent(c.args, k -> startServer(peer, t, k));
                        if (server.startError != null) throw new CaseFailed(server.startError);
                        link = t.connect(server.address);
                        s = new Script(link, server.proc, false, t.name(), wait);
                        s.serverAddress(server.address);
                        if (!dedicated) s.sharedServer();
                    }
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
        String cleanup(SingleCase c, Map<List<String>, Server> pool, Transport t) {
            String problem = null;
            if (link != null) link.close();
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
                    if (server.proc != null) server.proc.close();
                } else if (server.proc != null && !server.proc.alive()) {
                    // a fatal error ends one connection, never the listening server (PEER-CONTRACT)
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
