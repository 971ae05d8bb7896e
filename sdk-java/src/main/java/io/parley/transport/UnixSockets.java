package io.parley.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Unix domain socket transports (SPEC §9.2): {@link #connect(Path)} for the initiator, {@link
 * #listen(Path)} for the acceptor. The socket file has mode 0600 from the moment it appears at its
 * path, whatever the process's umask. Connections wait for their HELLO without a thread, capped
 * and timed out by {@link ListenOptions}.
 */
public final class UnixSockets {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

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
        return listen(path, token, ListenOptions.defaults());
    }

    /**
     * As {@link #listen(Path, String)}, with {@code options} for connections that have not sent their
     * HELLO yet: how many may wait at once and for how long (see {@link ListenOptions}).
     */
    public static TransportServer listen(Path path, String token, ListenOptions options) throws IOException {
        java.util.Objects.requireNonNull(options, "options");
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
            bindPrivately(server, path);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on Unix socket " + path + ": " + e.getMessage(), e);
        }
        try {
            return new Server(server, path, token, options);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Binds so that the socket file is owner-only from the moment anyone can reach it (SPEC §9.2).
     * Java cannot set the umask, and bind() creates the file with the umask's mode, so the socket
     * is bound inside a fresh 0700 directory next to {@code path}, set to 0600 there, and only then
     * hard-linked into place (a link never replaces an existing file); the private directory is
     * removed. A connection follows the file, so the bound socket serves at {@code path}.
     */
    private static void bindPrivately(ServerSocketChannel server, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Path privateDir = null;
        for (int attempt = 0; privateDir == null; attempt++) {
            Path candidate = parent.resolve(".parley-" + Long.toHexString(RANDOM.nextLong() & 0xffffffffL));
            try {
                privateDir = Files.createDirectory(candidate, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 8) {
                    throw e;
                }
            }
        }
        Path hidden = privateDir.resolve("s");
        try {
            server.bind(UnixDomainSocketAddress.of(hidden));
            Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.createLink(path, hidden);
            } catch (UnsupportedOperationException e) {
                Files.move(hidden, path, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(hidden);
            Files.deleteIfExists(privateDir);
        }
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

    /** A listener whose connections wait for their HELLO in a {@link PendingConnections} (no thread each). */
    private static final class Server implements TransportServer {
        private final PendingConnections pending;
        private final Path path;
        private volatile boolean closed;

        Server(ServerSocketChannel server, Path path, String token, ListenOptions options) throws IOException {
            this.path = path;
            this.pending = new PendingConnections(server, "unix:" + path, PendingConnections.Dialect.PARLEY, options,
                    (ch, prefix) -> new ChannelTransport(ch, Transport.Role.ACCEPTOR, "unix:" + path + " (accepted)", token, prefix));
        }

        @Override
        public Transport accept() throws IOException {
            return pending.accept();
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
                pending.close();
            } finally {
                Files.deleteIfExists(path);
            }
        }
    }
}
