package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parley.CallOptions;
import io.parley.DeadlineExceededException;
import io.parley.Handlers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking call with a deadline over a child's pipes (no timed reads, but the pipe counts its
 * ready bytes) reads its own answer on the caller's thread when the answer comes quickly, instead
 * of waiting for a session thread to read it and wake it up (issue 10: one thread hop per call);
 * and it still ends at its deadline when the answer does not come. Behaviour only, no timing.
 * (On a single CPU callers do not poll: the first test is skipped there.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallerReadsOwnAnswerTest {
    @Test
    void aCallWithADeadlineOverAPipeReadsItsOwnAnswer() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "callers poll only where more than one CPU is available");
        try (Link link = Link.open(Link.Kind.CHILD_JVM, new Handlers())) {
            Thread me = Thread.currentThread();
            CallOptions deadline = CallOptions.timeout(Duration.ofSeconds(20));
            // a quick answer is read by the caller; one of many is enough (on a loaded machine many are
            // slow, and after a slow one the session pauses polling for a while)
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; !link.clientTap.readOn(me) && System.nanoTime() - until < 0; i++) {
                assertThat(link.client.call("echo", "x" + i, String.class, deadline)).isEqualTo("x" + i);
            }
            assertThat(link.clientTap.readOn(me)).as("the caller read an answer itself").isTrue();
        }
    }

    @Test
    void aCallWithADeadlineOverAPipeStillEndsAtItsDeadline() throws Exception {
        try (Link link = Link.open(Link.Kind.CHILD_JVM, new Handlers())) {
            assertThat(link.client.call("echo", "warm", String.class)).isEqualTo("warm");
            assertThatThrownBy(() -> link.client.call("wait-for-cancel", Map.of(), String.class,
                    CallOptions.timeout(Duration.ofMillis(300)))).isInstanceOf(DeadlineExceededException.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> link.client.outstanding() == 0);
            // the session goes on: the next quick call is answered
            assertThat(link.client.call("echo", "after", String.class)).isEqualTo("after");
        }
    }
}
