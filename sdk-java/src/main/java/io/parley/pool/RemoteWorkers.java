package io.parley.pool;

import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Where the pool accepts remote workers: PHP workers started on other hosts (by containers,
 * Kubernetes, systemd) that dial in over TCP and join a named pool. A remote worker connects with
 * {@code Ipc::connect('tls://pool-host:9443', new SessionOptions(token: $t, peerName:
 * 'pool:slow'))}, registers its handlers and runs; its HELLO peer name {@code pool:<name>} picks
 * the pool it joins (any other name joins {@value PoolConfig#DEFAULT_POOL}). It leaves when its
 * connection ends. The pool cannot signal a remote process: on exec_ttl it closes the connection.
 * Nor can it start one: a remote worker that is lost is <b>not replaced by the pool</b>; its calls
 * fail with {@link WorkerCrashedException}, its slot is freed and {@link
 * PoolListener#remoteWorkerLost} is told. Whatever placed it restarts it.
 *
 * @param address where to listen; a port of 0 picks a free one ({@link WorkerPool#remoteAddress()})
 * @param token   the shared secret every worker must present (SPEC §8.3); required
 * @param tls     TLS for the listener, or {@code null} for plain TCP (loopback or a private network only)
 */
public record RemoteWorkers(InetSocketAddress address, String token, SSLContext tls) {
    public RemoteWorkers {
        Objects.requireNonNull(address, "address");
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("remote workers need a token: anyone who can reach the port could join otherwise");
        }
    }
}
