package io.parley.testutil;

import io.parley.internal.io.Threads;

/** Starting threads in tests on a Java 17 baseline (virtual threads only where the runtime has them). */
public final class TestThreads {
    private TestThreads() {
    }

    /** Starts {@code body} on a new platform thread. */
    public static Thread platform(Runnable body) {
        Thread t = new Thread(body);
        t.start();
        return t;
    }

    /** Starts {@code body} on a daemon platform thread named {@code name}. */
    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Starts {@code body} on a virtual thread on Java 21+, else on a platform thread. */
    public static Thread virtualIfAvailable(Runnable body) {
        return Threads.startBackground("test-virtual", body);
    }
}
