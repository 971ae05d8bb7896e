package io.parley.conformance.fake;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A peer program per PEER-CONTRACT.md, for the runner's own tests only:
 * {@code FakePeer serve|drive --transport ... [--bug name,...]}.
 */
public final class FakePeer {
    private FakePeer() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.role.equals("drive")) {
            System.exit(FakeDriver.run(o));
        }
        switch (o.transport) {
            case "stdio" -> serveStdio(o);
            case "unix", "tcp" -> serveListening(o);
            default -> {
                System.err.println("unknown transport " + o.transport);
                System.exit(2);
            }
        }
    }

    private static void serveStdio(Options o) {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        PrintStream realOut = System.out;
        System.setOut(System.err); // nothing but frames on fd 1 (§9.1)
        FakeSession s = new FakeSession(System.in, out, () -> {
            try {
                out.close();
                realOut.close();
            } catch (IOException ignored) {
                // gone
            }
        }, o, false);
        FakeService.install(s, () -> { });
        s.run();
        System.exit(0);
    }

    static InputStream in(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    static OutputStream out(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) ch.write(bb);
            }
        };
    }

    private static void serveListening(Options o) throws Exception {
        ServerSocketChannel ss;
        String address;
        Path sock = null;
        if (o.transport.equals("unix")) {
            sock = Path.of(o.listen);
            if (Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
                int mode = (Integer) Files.getAttribute(sock, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & 0170000) != 0140000) {
                    System.err.println("fake: refusing to replace " + sock + ": not a socket");
                    System.exit(3);
                }
                Files.delete(sock);
            }
            ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ss.bind(UnixDomainSocketAddress.of(sock));
            if (!o.bugs.contains("world-socket")) Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
            address = sock.toString();
        } else {
            int c = o.listen.lastIndexOf(':');
            InetAddress host = InetAddress.getByName(o.listen.substring(0, c));
            if (!host.isLoopbackAddress() && o.token == null) {
                System.err.println("fake: refusing to listen on " + host + " without --token (§9.3)");
                System.exit(3);
            }
            ss = ServerSocketChannel.open();
            ss.bind(new InetSocketAddress(host, Integer.parseInt(o.listen.substring(c + 1))));
            InetSocketAddress a = (InetSocketAddress) ss.getLocalAddress();
            address = a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        System.out.println("LISTENING " + address);
        System.out.flush();
        AtomicBoolean stop = new AtomicBoolean();
        Path toUnlink = sock;
        ServerSocketChannel server = ss;
        Runnable stopListening = () -> {
            stop.set(true);
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        };
        java.util.List<Thread> sessions = new java.util.ArrayList<>();
        while (!stop.get()) {
            SocketChannel ch;
            try {
                ch = ss.accept();
            } catch (IOException e) {
                break;
            }
            Thread t = new Thread(() -> {
                FakeSession s = new FakeSession(in(ch), out(ch), () -> {
                    try {
                        ch.shutdownOutput();
                    } catch (IOException ignored) {
                        // gone
                    }
                }, o, false);
                FakeService.install(s, stopListening);
                s.run();
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // gone
                }
            });
            t.start();
            sessions.add(t);
        }
        for (Thread t : sessions) t.join(35_000);
        if (toUnlink != null) Files.deleteIfExists(toUnlink);
        System.exit(0);
    }
}
