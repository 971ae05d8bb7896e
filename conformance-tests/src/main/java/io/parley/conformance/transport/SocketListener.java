package io.parley.conformance.transport;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** A listening socket with a bounded accept. */
class SocketListener implements Transport.Listener {
    private final ServerSocketChannel ss;
    private final String target;
    private final String scheme;

    SocketListener(ServerSocketChannel ss, String target, String scheme) {
        this.ss = ss;
        this.target = target;
        this.scheme = scheme;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public Link accept(Duration timeout) throws IOException {
        ss.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ss.register(sel, SelectionKey.OP_ACCEPT);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) throw new IOException("no connection to " + scheme + target + " within " + timeout.toSeconds() + " s");
                sel.select(left);
                SocketChannel c = ss.accept();
                if (c != null) return new SocketLink(c, scheme + target + " (accepted)");
            }
        }
    }

    @Override
    public void close() {
        try {
            ss.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
