package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** exec_ttl is hard: in-band deadline, then SIGTERM, then SIGKILL of the whole tree. */
class ExecTtlTest {
    @TempDir
    Path dir;

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void aCooperativeHandlerStopsInBandAndItsWorkerIsNotSignalled() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).execTtl(Duration.ofMillis(300)).start()) {
            long pid = pool.call("pid", null, Long.class);
            assertThatThrownBy(() -> pool.call("sleep", args("ms", 20_000), Long.class))
                    .isInstanceOf(ExecTtlExceededException.class).hasMessageContaining("exec_ttl");
            assertThat(pool.call("pid", null, Long.class)).isNotEqualTo(pid);
            assertThat(pool.stats().restarts(RestartReason.EXEC_TTL)).isEqualTo(1);
            assertThat(pool.stats().calls(CallOutcome.EXEC_TTL)).isEqualTo(1);
        }
    }

    @Test
    void execTtlFiresOnACallThatKeepsStreamingProgress() throws Exception {
        java.util.concurrent.atomic.AtomicInteger progress = new java.util.concurrent.atomic.AtomicInteger();
        try (WorkerPool pool = PoolTests.pool(1).execTtl(Duration.ofMillis(400)).execGrace(Duration.ofMillis(200)).start()) {
            long pid = pool.call("pid", null, Long.class);
            assertThatThrownBy(() -> pool.call("stream", null, Long.class,
                    io.parley.CallOptions.none().withProgress(p -> progress.incrementAndGet())))
                    .isInstanceOf(ExecTtlExceededException.class);
            assertThat(progress.get()).isPositive();
            assertThat(pool.call("pid", null, Long.class)).isNotEqualTo(pid);
            assertThat(pool.stats().restarts(RestartReason.EXEC_TTL)).isEqualTo(1);
        }
    }

    @Test
    void aSpinningHandlerGetsSigtermFirst() throws Exception {
        Path term = dir.resolve("term");
        try (WorkerPool pool = PoolTests.pool(1).execTtl(Duration.ofMillis(300)).execGrace(Duration.ofMillis(200)).start()) {
            long pid = pool.call("pid", null, Long.class);
            assertThatThrownBy(() -> pool.call("spin", args("term_file", term.toString()), Long.class))
                    .isInstanceOf(ExecTtlExceededException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
            assertThat(Files.readString(term)).isEqualTo("TERM");
            assertThat(pool.call("pid", null, Long.class)).isNotEqualTo(pid);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = WorkerTransport.class, names = {"STDIO", "UNIX", "TCP"}) // shm: the fast pool tests cover it
    void aHandlerIgnoringSigtermIsKilledWithItsGrandchildWhileOtherCallsSucceed(WorkerTransport transport) throws Exception {
        Path term = dir.resolve("term");
        Path grandchild = dir.resolve("grandchild");
        Path started = dir.resolve("started");
        try (WorkerPool pool = PoolTests.pool(2).transport(transport).execTtl(Duration.ofMillis(1500)).execGrace(Duration.ofMillis(200))
                .termTimeout(Duration.ofMillis(300)).start()) {
            CompletableFuture<Long> stuck = pool.callAsync("spin",
                    args("term_file", term.toString(), "ignore_term", true, "grandchild_file", grandchild.toString(),
                            "started_file", started.toString()), Long.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started) && Files.size(started) > 0);
            long grandPid = Long.parseLong(Files.readString(grandchild).trim());
            long workerPid = Long.parseLong(Files.readString(started).trim());
            assertThat(alive(grandPid)).as("the grandchild runs before exec_ttl fires").isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(pool.call("square", args("n", i), Integer.class)).isEqualTo(i * i);
            }
            assertThat(stuck).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                    .isInstanceOf(ExecTtlExceededException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(workerPid) && !alive(grandPid));
            assertThat(Files.readString(term)).isEqualTo("TERM");
            PoolStats s = pool.stats();
            assertThat(s.calls(CallOutcome.OK)).isEqualTo(5);
            assertThat(s.restarts(RestartReason.EXEC_TTL)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().workers().stream()
                    .filter(w -> w.state() == WorkerState.IDLE).count() == 2);
        }
    }
}
