package io.parley.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Unix domain socket transports (SPEC §9.2): {@link #connect(Path)} for the initiator, {@link
 * #listen(Path)} for the acceptor. The socket file is created with mode 0600.
 */
public final class UnixSockets {
    private UnixSockets() {
    }

    /** Connects to the socket at {@code path}; this side is the initiator. */
    public static Transport connect(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to Unix socket " + path + ": " + e.getMessage(), e);
        }
        return new ChannelTransport(ch, Transport.Role.INITIATOR, "unix:" + path, null);
    }

    /**
     * Listens at {@code path}. Refuses to replace a path that is not a socket; removes a stale
     * socket (one that refuses connections); unlinks the file on close.
     */
    public static TransportServer listen(Path path) throws IOException {
        return listen(path, null);
    }

    /** As {@link #listen(Path)}, requiring {@code token} in every peer's HELLO. */
    public static TransportServer listen(Path path, String token) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(path)) {
                throw new IOException("refusing to replace " + path + ": it exists and is not a socket");
            }
            if (isLive(path)) {
                throw new IOException("another process is listening on " + path);
            }
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            // The JDK binds with the umask's mode; tighten to owner-only at once.
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on Unix socket " + path + ": " + e.getMessage(), e);
        }
        return new Server(server, path, token);
    }

    private static boolean isSocket(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & 0170000) == 0140000;
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static final class Server implements TransportServer {
        private final ServerSocketChannel server;
        private final Path path;
        private final String token;
        private volatile boolean closed;

        Server(ServerSocketChannel server, Path path, String token) {
            this.server = server;
            this.path = path;
            this.token = token;
        }

        @Override
        public Transport accept() throws IOException {
            SocketChannel ch = server.accept();
            return new ChannelTransport(ch, Transport.Role.ACCEPTOR, "unix:" + path + " (accepted)", token);
        }

        @Override
        public String address() {
            return path.toString();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                server.close();
            } finally {
                Files.deleteIfExists(path);
            }
        }
    }
}
