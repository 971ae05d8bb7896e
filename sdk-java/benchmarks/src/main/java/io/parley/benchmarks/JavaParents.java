package io.parley.benchmarks;

import java.time.Duration;

/**
 * Contenders with this JVM as the parent of a PHP or Java child ({@link Link}): the transport rows
 * of issues 9 and 10 (pipe against the shared-memory ring), with {@code count} operations after a
 * tenth as many to warm up, each run in fresh processes.
 */
final class JavaParents {
    /** What one measurement does with its link: {@code n} operations. */
    interface Workload {
        void run(Link link, int n) throws Exception;
    }

    /** A workload of single operations, timed one by one ({@link Contender#timed}: stops at the budget). */
    interface Each extends Workload {
        void once(Link link) throws Exception;

        @Override
        default void run(Link link, int n) throws Exception {
            for (int i = 0; i < n; i++) {
                once(link);
            }
        }
    }

    private JavaParents() {
    }

    /**
     * @param impl raw (the floor) or parley
     * @param peer php or java
     * @param transport pipe or shm
     * @param spin the ring's spin before it parks (both sides when the child is Java)
     * @return operations per second
     */
    static Contender of(String impl, String peer, String transport, Duration spin, Workload workload) {
        return count -> {
            try (Link link = Link.open(impl, peer, transport, spin)) {
                if (workload instanceof Each each) {
                    return Contender.timed(count, () -> each.once(link));
                }
                workload.run(link, Math.max(1, count / 10));
                long t0 = System.nanoTime();
                workload.run(link, count);
                return Contender.perSecond(count, t0);
            }
        };
    }

    /** Round trips of {@code body}, one at a time (every 64th answer is compared with what was sent). */
    static Workload echo(byte[] body) {
        int[] calls = {0};
        return (Each) link -> {
            byte[] back = link.echo(body);
            if ((calls[0]++ & 63) == 0) {
                Link.check(body, back);
            }
        };
    }

    static Workload inflight(byte[] body) {
        return (link, n) -> Link.check(body, link.inflight(body, n));
    }

    static Workload send(int size) {
        return (link, n) -> link.send(n, size);
    }

    static Workload receive(int size) {
        return (link, n) -> link.receive(n, size);
    }

    /** {@code c}'s rate of echoes of {@code size} bytes as MB/s each way. */
    static Contender megabytes(Contender c, int size) {
        return count -> c.run(count) * size / 1e6;
    }
}
