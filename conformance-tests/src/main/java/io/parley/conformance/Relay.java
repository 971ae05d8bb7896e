package io.parley.conformance;

import io.parley.conformance.transport.SocketLink;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * {@code Relay <unix-socket-path>}: pipes stdin to the socket and the socket to stdout. The runner
 * gives it as the {@code --server} command to a testee that drives over stdio, so that the runner's
 * wire driver can play the stdio child. Exits when either direction ends.
 */
public final class Relay {
    private Relay() {}

    public static void main(String[] args) throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(args[0]));
        SocketLink link = new SocketLink(ch, "relay");
        InputStream fromSocket = link.in();
        OutputStream toSocket = link.out();
        Thread up = new Thread(() -> {
            try {
                pump(System.in, toSocket);
                ch.shutdownOutput();
            } catch (Exception ignored) {
                // parent gone
            }
        });
        up.setDaemon(true);
        up.start();
        try {
            pump(fromSocket, System.out);
        } catch (Exception ignored) {
            // runner gone
        }
        System.out.flush();
        System.exit(0);
    }

    private static void pump(InputStream in, OutputStream out) throws Exception {
        byte[] b = new byte[65536];
        int n;
        while ((n = in.read(b)) >= 0) {
            out.write(b, 0, n);
            out.flush();
        }
    }
}
