package io.parley.peer.conformance;

import io.parley.ParleyException;
import io.parley.SessionClosedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one pair case on a fresh session within its time bound: opens the session, runs the
 * scenario on a worker thread, closes gracefully (checking the close is clean within 5 s) unless
 * the case closes itself, and always leaves nothing behind (session aborted, stdio child killed).
 */
final class CaseRunner {
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    private final DriveTarget target;
    private final PeerOptions options;
    private final Consumer<String> serverName;

    CaseRunner(DriveTarget target, PeerOptions options, Consumer<String> serverName) {
        this.target = target;
        this.options = options;
        this.serverName = serverName;
    }

    /** What the worker thread shares with the runner, for timeouts and clean-up. */
    private static final class Run {
        volatile CaseSession session;
        volatile CaseContext context;

        String step() {
            CaseContext c = context;
            return c == null ? "opening the session" : c.step();
        }
    }

    private record Outcome(String status, String detail) {
    }

    CaseResult run(PairCase pc) {
        long t0 = System.nanoTime();
        Run run = new Run();
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        Thread worker = PeerThreads.start("parley-case-" + pc.id(), () -> {
            try {
                done.complete(execute(pc, run));
            } catch (Throwable t) {
                done.complete(new Outcome(CaseResult.FAIL, "driver error: " + t));
            }
        });
        Outcome outcome;
        try {
            outcome = done.get(pc.boundSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            outcome = new Outcome(CaseResult.FAIL, "timed out after " + pc.boundSeconds() + " s (while " + run.step() + ")");
        } catch (Exception e) {
            outcome = new Outcome(CaseResult.FAIL, "driver error: " + e);
        } finally {
            cleanUp(run, worker);
        }
        return new CaseResult(pc.id(), pc.title(), pc.section(), outcome.status(), outcome.detail(), (System.nanoTime() - t0) / 1_000_000);
    }

    private Outcome execute(PairCase pc, Run run) {
        CaseSession cs;
        try {
            cs = CaseSession.open(target, options, pc.compressions());
        } catch (Exception e) {
            return new Outcome(CaseResult.FAIL, "cannot open a session to " + target.address() + ": " + CaseContext.describe(e));
        }
        run.session = cs;
        serverName.accept(cs.session.peer().name());
        CaseContext c = new CaseContext(cs);
        run.context = c;
        c.step("running");
        try {
            pc.scenario().run(c);
        } catch (CaseContext.Skip s) {
            return new Outcome(CaseResult.SKIP, s.getMessage());
        } catch (CaseContext.Failure f) {
            return new Outcome(CaseResult.FAIL, withNotes(f.getMessage(), c.notes()));
        } catch (ParleyException e) {
            return new Outcome(CaseResult.FAIL, "unexpected " + CaseContext.describe(e) + " (while " + c.step() + ")");
        } catch (Exception | Error e) {
            return new Outcome(CaseResult.FAIL, "unexpected " + e + " (while " + c.step() + ")");
        }
        if (!pc.closesItself()) {
            String problem = closeGracefully(c);
            if (problem != null) {
                return new Outcome(CaseResult.FAIL, withNotes("close: " + problem, c.notes()));
            }
        }
        return new Outcome(CaseResult.PASS, String.join("; ", c.notes()));
    }

    /** README: the driver ends each case with a GOODBYE; the session must be closed cleanly within 5 s. */
    private static String closeGracefully(CaseContext c) {
        c.step("closing the session (GOODBYE)");
        PeerThreads.start("parley-case-close", c.session()::close);
        SessionClosedException reason;
        try {
            reason = c.session().closeFuture().get(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "the session was not closed " + CLOSE_BOUND.toSeconds() + " s after the driver's GOODBYE";
        } catch (Exception e) {
            return CaseContext.describe(CaseContext.unwrap(e));
        }
        return reason == null ? null : "the session ended with an error instead of a GOODBYE exchange: " + CaseContext.describe(reason);
    }

    private static String withNotes(String detail, List<String> notes) {
        return notes.isEmpty() ? detail : detail + " [" + String.join("; ", notes) + "]";
    }

    private static void cleanUp(Run run, Thread worker) {
        CaseSession cs = run.session;
        if (cs != null) {
            cs.destroy();
        }
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
