package io.parley.peer.conformance;

import io.parley.CallFuture;
import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.Payload;
import io.parley.PeerGoneException;
import io.parley.SessionClosedException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** P-027 … P-029: graceful close both ways, and a server that dies mid-call. */
final class LifecycleCases {
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    private LifecycleCases() {
    }

    static List<PairCase> all() {
        return List.of(
                PairCase.of("P-027", "graceful close with a call in flight", "8.5", LifecycleCases::closeWithCallInFlight).endsSessionItself(),
                PairCase.of("P-028", "server-initiated shutdown", "8.5", LifecycleCases::serverShutdown).endsSessionItself(),
                PairCase.of("P-029", "server crashes mid-call", "8.6, 9.1", LifecycleCases::serverCrash).endsSessionItself());
    }

    private static void closeWithCallInFlight(CaseContext c) throws Exception {
        CallFuture<Payload> sleep = c.callAsync("sleep", JsonValues.parse("{\"ms\":300}"), CallOptions.none());
        c.step("starting the graceful close");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(c.session()::close);
        c.awaitCondition(() -> !c.session().isOpen(), Duration.ofSeconds(2), "the session leaving OPEN after close()");
        ParleyException late = c.expectError("echo after close() started", () -> c.call("echo", "\"x\""));
        expectClosedLocally(c, "echo after close() started", late);
        c.expectValue("the sleep in flight during the close", JsonValues.parse("\"slept\""), c.value(c.await(sleep, "sleep 300 ms"), "sleep"));
        c.step("awaiting the end of the close");
        try {
            closing.get(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw c.fail("close: Session.close() did not return within %d s", CLOSE_BOUND.toSeconds());
        }
        expectCleanClose(c, "close");
    }

    private static void serverShutdown(CaseContext c) {
        c.expectValue("shutdown", JsonValues.parse("\"bye\""), c.call("shutdown", "{}"));
        expectCleanClose(c, "the server's GOODBYE");
        ParleyException late = c.expectError("echo after the server's GOODBYE", () -> c.call("echo", "\"x\""));
        expectClosedLocally(c, "echo after the server's GOODBYE", late);
    }

    private static void serverCrash(CaseContext c) throws Exception {
        CallFuture<Payload> sleep = c.callAsync("sleep", JsonValues.parse("{\"ms\":10000}"), CallOptions.none());
        CallFuture<Payload> crash = c.callAsync("crash", JsonValues.parse("{\"exit\":3}"), CallOptions.none());
        long t0 = System.nanoTime();
        for (var call : List.of(new Named("sleep 10000 ms", sleep), new Named("crash {exit 3}", crash))) {
            ParleyException e = c.expectError(call.name, () -> call.future.get(10, TimeUnit.SECONDS));
            c.expectCode(call.name + " while the server crashes", e, ErrorCode.PEER_GONE.code(), null);
            if (c.cs.isStdioChild()) {
                c.check(e instanceof PeerGoneException, "%s: expected a PeerGoneException with the child's exit, got %s", call.name,
                        CaseContext.describe(e));
                PeerGoneException gone = (PeerGoneException) e;
                c.check(gone.exitCode().equals(OptionalInt.of(3)) && gone.getMessage().contains("3"),
                        "%s: expected the reason to carry exit status 3, got %s (exit code %s)", call.name, gone.getMessage(), gone.exitCode());
                c.check(gone.getMessage().contains("crashing on purpose") || gone.stderrTail().contains("crashing on purpose"),
                        "%s: expected the reason to quote the stderr line \"crashing on purpose\", got %s", call.name, gone.getMessage());
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ParleyException late = c.expectError("echo after the crash", () -> c.call("echo", "\"x\""));
        c.expectCode("echo after the crash (SPEC §8.6: calls made afterwards fail with SESSION_CLOSED)", late,
                ErrorCode.SESSION_CLOSED.code(), null);
        c.note("PEER_GONE after " + ms + " ms; then " + CaseContext.describe(late));
    }

    private record Named(String name, CallFuture<Payload> future) {
    }

    private static void expectClosedLocally(CaseContext c, String what, ParleyException e) {
        c.check(e.code() == ErrorCode.SHUTTING_DOWN.code() || e.code() == ErrorCode.SESSION_CLOSED.code(),
                "%s: expected to fail locally with SHUTTING_DOWN or SESSION_CLOSED, got %s", what, CaseContext.describe(e));
        c.check(e instanceof SessionClosedException, "%s: expected a local failure (SessionClosedException), got %s", what,
                CaseContext.describe(e));
    }

    /** The session reached CLOSED after a GOODBYE exchange within 5 s; a stdio child exited 0. */
    static void expectCleanClose(CaseContext c, String what) {
        c.step("awaiting the session's close after " + what);
        SessionClosedException reason;
        try {
            reason = c.session().closeFuture().get(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw c.fail("close: the session was not closed %d s after %s", CLOSE_BOUND.toSeconds(), what);
        } catch (Exception e) {
            throw c.fail("close: %s", CaseContext.describe(CaseContext.unwrap(e)));
        }
        c.check(reason == null, "close: after %s the session closed with an error instead of a GOODBYE exchange: %s", what,
                reason == null ? "" : CaseContext.describe(reason));
        if (c.cs.isStdioChild()) {
            OptionalInt exit = c.cs.childExitStatus();
            c.check(exit.equals(OptionalInt.of(0)), "close: the stdio server should exit with status 0, %s",
                    exit.isPresent() ? "it exited with " + exit.getAsInt() : "it was still running");
        }
    }
}
