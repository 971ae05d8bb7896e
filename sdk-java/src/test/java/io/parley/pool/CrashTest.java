package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Crashes: typed errors with exit status and stderr, restart with backoff, crash-loop breaker. */
class CrashTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkerTransport.class)
    void aCrashFailsEveryCallOnTheWorkerAndTheWorkerIsRestarted(WorkerTransport transport) throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).transport(transport).maxConcurrent(4).start()) {
            long pid = pool.call("pid", null, Long.class);
            CompletableFuture<Long> a = pool.callAsync("sleep", args("ms", 5000), Long.class);
            CompletableFuture<Long> b = pool.callAsync("sleep", args("ms", 5000), Long.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().workers().get(0).inFlight() == 2);
            assertThatThrownBy(() -> pool.call("crash", args("code", 7), Long.class))
                    .isInstanceOfSatisfying(WorkerCrashedException.class, e -> {
                        assertThat(e.exitCode()).hasValue(7);
                        assertThat(e.pid()).isEqualTo(pid);
                        assertThat(e.stderrTail()).anyMatch(l -> l.contains("about to crash with status 7"));
                        assertThat(e.getMessage()).contains("exit status 7");
                    });
            assertThat(a).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingRootCause()
                    .isInstanceOf(WorkerCrashedException.class);
            assertThat(b).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingRootCause()
                    .isInstanceOf(WorkerCrashedException.class);
            assertThat(pool.call("pid", null, Long.class)).isNotEqualTo(pid);
            PoolStats s = pool.stats();
            assertThat(s.calls(CallOutcome.CRASHED)).isEqualTo(3);
            assertThat(s.restarts(RestartReason.CRASH)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkerTransport.class)
    void sigkillIsReportedAsASignal(WorkerTransport transport) throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).transport(transport).start()) {
            long pid = pool.call("pid", null, Long.class);
            CompletableFuture<Long> f = pool.callAsync("sleep", args("ms", 10_000), Long.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().workers().get(0).inFlight() == 1);
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                    .isInstanceOfSatisfying(WorkerCrashedException.class, e -> assertThat(e.signal()).hasValue(9));
            assertThat(pool.call("pid", null, Long.class)).isNotEqualTo(pid);
        }
    }

    @Test
    void workersDyingAtStartOpenTheBreakerAndCallsFailFastWithTheStderr() {
        WorkerPool.Builder b = PoolTests.pool(1).env("WORKER_FAIL_AT_START", "1")
                .defaults(p -> p.restartBackoff(Duration.ofMillis(10)).crashLoopDeaths(3).crashLoopWindow(Duration.ofSeconds(30)));
        assertThatThrownBy(b::start).isInstanceOfSatisfying(PoolUnhealthyException.class, e -> {
            assertThat(e.getMessage()).contains("unhealthy").contains("imaginary");
            assertThat(e.stderrTail()).anyMatch(l -> l.contains("the extension 'imaginary' is missing"));
        });
        assertThat(PoolTests.liveWorkers()).isEmpty();
    }

    @Test
    void aBreakerOpenedAfterStartFailsCallsFastAndReloadClosesIt() throws Exception {
        java.nio.file.Path flag = java.nio.file.Files.createTempFile("pool-fail", ".flag");
        // the worker fails at start while the flag file says so: wrapper via env is simplest with sh
        String script = "if [ \"$(cat " + flag + ")\" = fail ]; then echo 'broken deploy' >&2; exit 5; fi; exec php "
                + PoolTests.WORKER;
        try (WorkerPool pool = PoolTests.pool(1).command(java.util.List.of("sh", "-c", script))
                .defaults(p -> p.restartBackoff(Duration.ofMillis(10)).crashLoopDeaths(3)).start()) {
            long pid = pool.call("pid", null, Long.class);
            java.nio.file.Files.writeString(flag, "fail");
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !pool.isHealthy());
            assertThatThrownBy(() -> pool.call("pid", null, Long.class)).isInstanceOf(PoolUnhealthyException.class)
                    .hasMessageContaining("broken deploy");
            assertThat(pool.stats().calls(CallOutcome.UNHEALTHY)).isEqualTo(1);
            java.nio.file.Files.writeString(flag, "ok");
            pool.reload();
            await().atMost(Duration.ofSeconds(10)).until(pool::isHealthy);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> pool.call("pid", null, Long.class) > 0);
        } finally {
            java.nio.file.Files.deleteIfExists(flag);
        }
    }
}
