package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Queue size and allocate timeout; graceful shutdown leaves no process. */
class LimitsAndShutdownTest {

    @Test
    void pastTheQueueSizeCallsAreRefusedAsOverloaded() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).queueSize(2).start()) {
            CompletableFuture<Long> running = pool.callAsync("sleep", args("ms", 1500), Long.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().workers().get(0).inFlight() == 1);
            CompletableFuture<Long> q1 = pool.callAsync("pid", null, Long.class);
            CompletableFuture<Long> q2 = pool.callAsync("pid", null, Long.class);
            assertThat(pool.stats().queueDepth()).isEqualTo(2);
            assertThatThrownBy(() -> pool.call("pid", null, Long.class))
                    .isInstanceOfSatisfying(PoolOverloadedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PoolOverloadedException.Reason.QUEUE_FULL);
                        assertThat(e.getMessage()).contains("queue_size");
                    });
            assertThat(running.join()).isPositive();
            assertThat(q1.join()).isPositive();
            assertThat(q2.join()).isPositive();
            assertThat(pool.stats().calls(CallOutcome.OVERLOADED)).isEqualTo(1);
            assertThat(pool.stats().calls(CallOutcome.OK)).isEqualTo(3);
        }
    }

    @Test
    void aCallWaitingLongerThanTheAllocateTimeoutIsRefused() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).allocateTimeout(Duration.ofMillis(200)).start()) {
            CompletableFuture<Long> running = pool.callAsync("sleep", args("ms", 2000), Long.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().workers().get(0).inFlight() == 1);
            assertThatThrownBy(() -> pool.call("pid", null, Long.class))
                    .isInstanceOfSatisfying(PoolOverloadedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PoolOverloadedException.Reason.ALLOCATE_TIMEOUT);
                        assertThat(e.getMessage()).contains("allocate_timeout");
                    });
            assertThat(running.join()).isPositive();
        }
    }

    @Test
    void aQueuedCallCancelledByItsCallerNeverRuns() throws Exception {
        try (WorkerPool pool = PoolTests.pool(1).start()) {
            CompletableFuture<Long> running = pool.callAsync("sleep", args("ms", 500), Long.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().workers().get(0).inFlight() == 1);
            CompletableFuture<Long> queued = pool.callAsync("pid", null, Long.class);
            assertThat(queued.cancel(true)).isTrue();
            assertThat(pool.stats().queueDepth()).isZero();
            running.join();
            assertThat(pool.stats().calls(CallOutcome.CANCELLED)).isEqualTo(1);
            assertThat(pool.stats().workers().get(0).jobs()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkerTransport.class)
    void shutdownDrainsRunningCallsAndLeavesNoProcess(WorkerTransport transport) throws Exception {
        WorkerPool pool = PoolTests.pool(3).transport(transport).start();
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(pool.callAsync("block", args("ms", 200), Long.class));
        }
        List<Long> tree = PoolTests.treePids(pool);
        assertThat(tree).hasSizeGreaterThanOrEqualTo(3);
        pool.close();
        for (CompletableFuture<Long> c : calls) {
            assertThat(c.join()).isPositive();
        }
        assertThat(tree).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        assertThat(PoolTests.liveWorkers()).isEmpty();
        assertThatThrownBy(() -> pool.call("pid", null, Long.class)).isInstanceOf(PoolClosedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkerTransport.class)
    void shutdownKillsAStuckWorkerAndItsGrandchild(WorkerTransport transport) throws Exception {
        java.nio.file.Path gc = java.nio.file.Files.createTempFile("pool-gc", ".pid");
        WorkerPool pool = PoolTests.pool(1).transport(transport).stopTimeout(Duration.ofMillis(300)).termTimeout(Duration.ofMillis(300)).start();
        CompletableFuture<Long> stuck = pool.callAsync("spin", args("grandchild_file", gc.toString(), "ignore_term", true,
                "term_file", gc.toString() + ".term"), Long.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> java.nio.file.Files.size(gc) > 0);
        long grand = Long.parseLong(java.nio.file.Files.readString(gc).trim());
        List<Long> tree = PoolTests.treePids(pool);
        assertThat(tree).contains(grand);
        pool.close();
        assertThat(stuck).failsWithin(Duration.ofSeconds(5));
        assertThat(tree).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        java.nio.file.Files.deleteIfExists(gc);
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(gc + ".term"));
    }
}
