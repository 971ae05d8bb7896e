package io.parley.pool.internal;

import io.parley.Session;
import io.parley.pool.PoolConfig;
import io.parley.pool.WorkerTransport;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private listener a named pool opens when its local workers use {@link WorkerTransport#UNIX}
 * or {@link WorkerTransport#TCP} (SPEC §9.2, §9.3): a Unix socket (mode 0600) in a fresh 0700
 * directory, or a loopback TCP port; either way every worker must present the pool's random token
 * in its HELLO. Each launched worker gets the address, the token and a peer name naming its worker
 * id in its environment ({@link #ENV_ADDRESS}, {@link #ENV_TOKEN}, {@link #ENV_PEER_NAME}); its
 * HELLO's peer name matches the connection to the child the pool launched. A connection that
 * matches no launch in progress is closed.
 */
final class LocalListener implements AutoCloseable {
    static final String ENV_ADDRESS = "PARLEY_ADDRESS";
    static final String ENV_TOKEN = "PARLEY_TOKEN";
    static final String ENV_PEER_NAME = "PARLEY_PEER_NAME";
    private static final String PEER_PREFIX = "pool-worker:";
    private static final Logger LOG = LoggerFactory.getLogger(LocalListener.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TransportServer server;
    private final Path dir;
    private final String address;
    private final String token;
    private final PoolConfig cfg;
    private final PoolRuntime rt;
    private final Map<String, CompletableFuture<Session>> expected = new HashMap<>();
    private volatile boolean closed;

    private LocalListener(TransportServer server, Path dir, String address, String token, PoolConfig cfg, PoolRuntime rt) {
        this.server = server;
        this.dir = dir;
        this.address = address;
        this.token = token;
        this.cfg = cfg;
        this.rt = rt;
    }

    /** Opens the listener of {@code cfg}'s transport and starts accepting. */
    static LocalListener start(PoolConfig cfg, PoolRuntime rt) throws IOException {
        String token = randomToken();
        LocalListener l;
        if (cfg.transport() == WorkerTransport.UNIX) {
            Path dir = Files.createTempDirectory("parley-pool-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path sock = dir.resolve("workers.sock");
            l = new LocalListener(UnixSockets.listen(sock, token), dir, "unix://" + sock, token, cfg, rt);
        } else {
            TransportServer s = TcpSockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, null);
            l = new LocalListener(s, null, "tcp://" + s.address(), token, cfg, rt);
        }
        Thread t = new Thread(l::acceptLoop, "parley-pool-" + cfg.name() + "-local-accept");
        t.setDaemon(true);
        t.start();
        LOG.debug("pool '{}': local workers dial in at {}", cfg.name(), l.address);
        return l;
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    /** The environment of worker {@code id}: where to dial, the token, its peer name. */
    Map<String, String> environment(int id) {
        return Map.of(ENV_ADDRESS, address, ENV_TOKEN, token, ENV_PEER_NAME, PEER_PREFIX + id);
    }

    /** Registers a launch: the future completes with the session of the worker that names {@code id}. */
    CompletableFuture<Session> expect(int id) {
        CompletableFuture<Session> f = new CompletableFuture<>();
        synchronized (expected) {
            expected.put(PEER_PREFIX + id, f);
        }
        f.whenComplete((s, e) -> {
            synchronized (expected) {
                expected.remove(PEER_PREFIX + id, f);
            }
        });
        return f;
    }

    String address() {
        return address;
    }

    private void acceptLoop() {
        while (!closed) {
            Transport t;
            try {
                t = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("pool '{}': the local worker listener failed: {}", cfg.name(), e.toString());
                }
                return;
            }
            rt.executor.execute(() -> handshake(t));
        }
    }

    private void handshake(Transport t) {
        Session s;
        try {
            s = rt.launcher.open(t, cfg, null, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("pool '{}': a connection to the local worker listener failed its handshake: {}", cfg.name(), e.getMessage());
            closeQuietly(t);
            return;
        }
        String name = s.peer().name();
        CompletableFuture<Session> f;
        synchronized (expected) {
            f = expected.remove(name);
        }
        if (f == null || !f.complete(s)) {
            LOG.warn("pool '{}': a worker named '{}' dialled in, but no launch waits for it (it took longer than start_timeout, "
                    + "or was not started by this pool); closing it", cfg.name(), name);
            s.abort();
        }
    }

    private static void closeQuietly(Transport t) {
        try {
            t.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("local listener close: {}", e.toString());
        }
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve("workers.sock"));
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.debug("could not remove {}: {}", dir, e.toString());
            }
        }
    }
}
