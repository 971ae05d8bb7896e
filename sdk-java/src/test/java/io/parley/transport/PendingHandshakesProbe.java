package io.parley.transport;

import io.parley.Session;
import java.nio.file.Path;

/**
 * Run by {@link PendingHandshakesTest} in a JVM with a low descriptor limit ({@code prlimit
 * --nofile}): a Unix-socket server as an application writes one (accept, then a thread opens each
 * session), with the default {@link ListenOptions}. Prints {@code LISTENING} and serves until its
 * standard input ends.
 */
public final class PendingHandshakesProbe {
    private PendingHandshakesProbe() {
    }

    public static void main(String[] args) throws Exception {
        TransportServer server = UnixSockets.listen(Path.of(args[0]));
        Thread acceptor = new Thread(() -> {
            while (true) {
                Transport t;
                try {
                    t = server.accept();
                } catch (java.io.IOException e) {
                    if (e.getMessage() != null && e.getMessage().contains("closed")) {
                        return;
                    }
                    continue; // what a careful application does: keep accepting
                }
                new Thread(() -> {
                    try {
                        Session.builder(t).handlers(io.parley.testutil.TestService.handlers(() -> { })).open();
                    } catch (Exception e) {
                        // a failed handshake: next
                    }
                }).start();
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("LISTENING " + server.address());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our stdin
        }
        server.close();
    }
}
