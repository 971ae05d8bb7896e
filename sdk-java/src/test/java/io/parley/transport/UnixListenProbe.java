package io.parley.transport;

import java.nio.file.Path;

/**
 * Run by {@link UnixSocketUmaskTest} in a JVM started under {@code umask 000}: listens at the path
 * given, prints {@code LISTENING}, and closes when its standard input ends.
 */
public final class UnixListenProbe {
    private UnixListenProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (TransportServer server = UnixSockets.listen(Path.of(args[0]))) {
            System.out.println("LISTENING " + server.address());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
