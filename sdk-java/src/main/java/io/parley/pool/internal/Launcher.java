package io.parley.pool.internal;

import io.parley.Handlers;
import io.parley.Session;
import io.parley.pool.PoolConfig;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Starts local worker processes (SPEC §9.1) and opens worker sessions with the pool's options. */
final class Launcher {
    private final Handlers handlers;
    private final Consumer<Session.Builder> sessionOptions;

    Launcher(Handlers handlers, Consumer<Session.Builder> sessionOptions) {
        this.handlers = handlers;
        this.sessionOptions = sessionOptions;
    }

    /** Launches the worker process of {@code cfg}; its stdio carries the frames. */
    ChildProcessTransport launch(PoolConfig cfg) throws IOException {
        if (cfg.transport() != io.parley.pool.WorkerTransport.STDIO) {
            throw new IllegalArgumentException("pool '" + cfg.name() + "': transport " + cfg.transport()
                    + " for local workers is not implemented yet; use stdio (the default), or remote workers over TCP");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(cfg.env());
        ChildProcessTransport.Builder b = ChildProcessTransport.builder(cfg.command()).environment(env).grace(cfg.stopTimeout());
        if (cfg.workingDir() != null) {
            b.workingDirectory(cfg.workingDir());
        }
        return b.launch();
    }

    /** Runs the handshake over {@code transport}; bounded by the start timeout. */
    Session open(Transport transport, PoolConfig cfg, String token) throws IOException {
        // the pool bounds calls itself (exec_ttl, per-call deadlines): no session default timeout under it
        Session.Builder b = Session.builder(transport).drainTimeout(cfg.stopTimeout()).handshakeTimeout(cfg.startTimeout())
                .defaultTimeout(java.time.Duration.ZERO);
        if (handlers != null) {
            b.handlers(handlers);
        }
        if (token != null) {
            b.token(token);
        }
        sessionOptions.accept(b);
        return b.open();
    }
}
