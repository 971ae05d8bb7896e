package io.parley.peer.conformance;

/** Daemon platform threads for the peer's background work (the peer compiles with --release 17). */
public final class PeerThreads {
    private PeerThreads() {
    }

    /** Starts {@code body} on a new daemon thread named {@code name}. */
    public static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
