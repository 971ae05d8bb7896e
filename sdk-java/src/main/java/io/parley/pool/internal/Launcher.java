package io.parley.pool.internal;

import io.parley.Handlers;
import io.parley.Session;
import io.parley.pool.PoolConfig;
import io.parley.pool.WorkerTransport;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.SharedMemory;
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

    /**
     * A launched worker: its process, and the transport its session runs on (the process itself
     * with stdio; with shm the ring, or the ring's socket if the worker declined it).
     */
    static final class Launched {
        final ChildProcessTransport process;
        final Transport transport;

        Launched(ChildProcessTransport process, Transport transport) {
            this.process = process;
            this.transport = transport;
        }
    }

    /**
     * Launches the worker process of {@code cfg}. With stdio its stdin/stdout carry the frames;
     * with a socket transport {@code dialIn} holds where and how it dials back (its stdout is then
     * not read by the session); with shm it is started on a shared-memory ring (SPEC §9.4) and has
     * attached (or declined) when this returns.
     */
    Launched launch(PoolConfig cfg, Map<String, String> dialIn) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(cfg.env());
        env.putAll(dialIn);
        if (cfg.transport() == WorkerTransport.SHM) {
            SharedMemory.Builder ring = SharedMemory.builder(cfg.command()).environment(env).grace(cfg.stopTimeout())
                    .attachTimeout(cfg.startTimeout());
            if (cfg.workingDir() != null) {
                ring.workingDirectory(cfg.workingDir());
            }
            Transport t = ring.launch();
            return new Launched(SharedMemory.process(t), t);
        }
        ChildProcessTransport.Builder b = ChildProcessTransport.builder(cfg.command()).environment(env).grace(cfg.stopTimeout());
        if (cfg.workingDir() != null) {
            b.workingDirectory(cfg.workingDir());
        }
        ChildProcessTransport child = b.launch();
        return new Launched(child, child);
    }

    /**
     * Runs the handshake over {@code transport}; bounded by the start timeout. A {@code local}
     * worker on a socket has no heartbeats (like stdio, SPEC §8.4): the pool watches its process,
     * and a CPU-bound handler could not answer PINGs. No session default timeout either: the pool
     * bounds calls itself (exec_ttl, per-call deadlines).
     */
    Session open(Transport transport, PoolConfig cfg, String token, boolean local) throws IOException {
        Session.Builder b = Session.builder(transport).drainTimeout(cfg.stopTimeout()).handshakeTimeout(cfg.startTimeout())
                .defaultTimeout(java.time.Duration.ZERO);
        if (local) {
            b.heartbeat(java.time.Duration.ZERO);
        }
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
