package io.parley.pool.internal;

import io.parley.PeerInfo;
import io.parley.Session;
import io.parley.pool.PoolConfig;
import io.parley.pool.RemoteWorkers;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts remote workers (SPEC §9.3: TCP, TLS optional, token required): each connection's HELLO
 * peer name {@code pool:<name>} picks the named pool it joins; it leaves when the connection ends.
 */
final class RemoteAcceptor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteAcceptor.class);
    private final TransportServer server;
    private final PoolRuntime rt;
    private volatile boolean closed;

    private RemoteAcceptor(TransportServer server, PoolRuntime rt) {
        this.server = server;
        this.rt = rt;
    }

    static RemoteAcceptor start(RemoteWorkers cfg, PoolRuntime rt) throws IOException {
        RemoteAcceptor a = new RemoteAcceptor(TcpSockets.listen(cfg.address(), cfg.token(), cfg.tls()), rt);
        Thread t = new Thread(a::acceptLoop, "parley-pool-remote-accept");
        t.setDaemon(true);
        t.start();
        LOG.info("accepting remote workers on {}", a.address());
        return a;
    }

    String address() {
        return server.address();
    }

    private void acceptLoop() {
        while (!closed) {
            Transport t;
            try {
                t = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("remote worker listener failed: {}", e.toString());
                }
                return;
            }
            rt.executor.execute(() -> handshake(t));
        }
    }

    private void handshake(Transport t) {
        NamedPool defaults = rt.pools().get(PoolConfig.DEFAULT_POOL);
        PoolConfig cfg = defaults != null ? defaults.cfg : rt.pools().values().iterator().next().cfg;
        Session s;
        try {
            s = rt.launcher.open(t, cfg, null, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("a remote worker from {} failed its handshake: {}", t.description(), e.getMessage());
            try {
                t.close();
            } catch (IOException ignored) {
                // already broken
            }
            return;
        }
        PeerInfo peer = s.peer();
        NamedPool pool = rt.forPeer(peer.name());
        if (pool.isClosed()) {
            s.close();
            return;
        }
        Worker w = new Worker(rt.nextWorkerId(), null, t.description(), peer.pid() == null ? -1 : peer.pid());
        LOG.info("remote worker {} ({}) joins pool '{}'", t.description(), peer.name(), pool.name());
        pool.life().join(w, s);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("remote listener close: {}", e.toString());
        }
    }
}
