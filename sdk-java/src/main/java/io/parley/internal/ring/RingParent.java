package io.parley.internal.ring;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The parent's half of a ring's start (SPEC §9.4 lifecycle steps 1–5): the ring file, a Unix
 * socket in a fresh 0700 directory, the environment for the child, and the wait for the child's
 * hello, after which the file, the socket and the directory are unlinked at once.
 */
public final class RingParent implements Closeable {
    /** Environment variable names (SPEC §9.4 step 3). */
    public static final String ENV_FILE = "PARLEY_RING_FILE";
    public static final String ENV_SOCKET = "PARLEY_RING_SOCKET";
    public static final String ENV_SESSION = "PARLEY_RING_SESSION";

    private final RingFile file;
    private final Path directory;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private boolean unlinked;

    private RingParent(RingFile file, Path directory, Path socketPath, ServerSocketChannel server) {
        this.file = file;
        this.directory = directory;
        this.socketPath = socketPath;
        this.server = server;
    }

    /** Creates the ring file in {@code shmDir} and listens on a private socket (steps 1–3). */
    public static RingParent open(Path shmDir, int capacity) throws IOException {
        RingFile file = RingFile.create(shmDir, capacity, RingFile.newSessionId());
        Path dir = null;
        ServerSocketChannel server = null;
        try {
            dir = Files.createTempDirectory("parley-ring-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path socket = dir.resolve("s");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            // the 0700 directory already keeps others out; the socket gets 0600 as SPEC §9.2 asks
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new RingParent(file, dir, socket, server);
        } catch (IOException | RuntimeException e) {
            file.close();
            if (server != null) {
                server.close();
            }
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("s"));
                Files.deleteIfExists(dir);
            }
            throw e;
        }
    }

    /** The three variables the child needs (SPEC §9.4 step 3). */
    public Map<String, String> environment() {
        return Map.of(ENV_FILE, file.path().toString(), ENV_SOCKET, socketPath.toString(),
                ENV_SESSION, String.format("%016x", file.sessionId()));
    }

    public RingFile file() {
        return file;
    }

    public Path socketPath() {
        return socketPath;
    }

    /**
     * Accepts the child's connection and reads its hello, waiting at most {@code timeoutNanos}
     * while {@code alive} holds; unlinks everything either way (steps 4–5). Only one connection is
     * accepted.
     */
    public RingHello.Answer awaitHello(long timeoutNanos, BooleanSupplier alive) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        SocketChannel ch = null;
        try {
            server.configureBlocking(false);
            try (Selector s = Selector.open()) {
                server.register(s, SelectionKey.OP_ACCEPT);
                while ((ch = server.accept()) == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("the child did not connect to the ring socket within "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                    }
                    if (!alive.getAsBoolean()) {
                        throw new IOException("the child exited before it connected to the ring socket");
                    }
                    s.select(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                    s.selectedKeys().clear();
                }
            }
            unlinkAll();
            return RingHello.read(ch, file.sessionId(), deadline, alive);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            throw e;
        } finally {
            unlinkAll();
        }
    }

    private void unlinkAll() throws IOException {
        if (unlinked) {
            return;
        }
        unlinked = true;
        try {
            server.close();
        } finally {
            file.unlink();
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(directory);
        }
    }

    /** Unlinks whatever is left (a start that failed before the hello). */
    @Override
    public void close() throws IOException {
        unlinkAll();
    }
}
