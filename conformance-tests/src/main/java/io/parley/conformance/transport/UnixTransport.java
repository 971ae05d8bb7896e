package io.parley.conformance.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** SPEC §9.2: Unix domain stream socket. */
final class UnixTransport extends Transport {
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Override
    public String name() {
        return "unix";
    }

    @Override
    public boolean parentChild() {
        return false;
    }

    static Path socketPath(Path dir, String prefix) {
        return dir.resolve(prefix + SEQ.incrementAndGet() + ".sock");
    }

    @Override
    public List<String> serveArgs(Path dir) {
        return List.of("serve", "--transport", "unix", "--listen", socketPath(dir, "s").toString());
    }

    @Override
    public Link connect(String address) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(address));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to unix:" + address + ": " + e.getMessage(), e);
        }
        return new SocketLink(ch, "unix:" + address);
    }

    @Override
    public List<String> driveArgs(String address) {
        return List.of("drive", "--transport", "unix", "--connect", address);
    }

    @Override
    public Listener listen(Path dir) throws IOException {
        Path p = socketPath(dir, "r");
        Files.deleteIfExists(p);
        ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ss.bind(UnixDomainSocketAddress.of(p));
        return new SocketListener(ss, p.toString(), "unix:") {
            @Override
            public void close() {
                super.close();
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // temp dir is removed later anyway
                }
            }
        };
    }
}
