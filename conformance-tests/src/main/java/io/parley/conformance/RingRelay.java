package io.parley.conformance;

import io.parley.conformance.transport.SdkRing;
import io.parley.conformance.transport.SocketLink;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * {@code RingRelay <unix-socket-path>}: the ring twin of {@link Relay}. Started by a testee that
 * drives over the shared-memory ring (SPEC §9.4) as its ring child, it attaches from its
 * environment and pipes the ring to the runner's Unix socket and back, bytes unchanged. Exits when
 * the ring's input ends.
 */
public final class RingRelay {
    private RingRelay() {}

    public static void main(String[] args) throws Exception {
        SdkRing.Pipe ring = SdkRing.attach(System.getenv());
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(args[0]));
        SocketLink link = new SocketLink(ch, "ring relay");
        InputStream fromSocket = link.in();
        OutputStream toSocket = link.out();
        Thread up = new Thread(() -> {
            byte[] b = new byte[65536];
            try {
                int n;
                while ((n = fromSocket.read(b)) >= 0) {
                    ring.write(b, 0, n);
                    ring.flush();
                }
                ring.shutdownOutput();
            } catch (Exception ignored) {
                // runner or testee gone
            }
        });
        up.setDaemon(true);
        up.start();
        byte[] b = new byte[65536];
        try {
            int n;
            while ((n = ring.read(b, 0, b.length)) >= 0) {
                if (n > 0) {
                    toSocket.write(b, 0, n);
                    toSocket.flush();
                }
            }
            ch.shutdownOutput();
        } catch (Exception ignored) {
            // testee gone
        }
        System.exit(0);
    }
}
