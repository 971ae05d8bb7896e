package io.parley.pool;

import static io.parley.pool.PoolTests.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload under load (0 failed calls), and remote workers joining and leaving a named pool. */
class ReloadAndRemoteTest {
    @TempDir
    Path dir;

    @Test
    void aWatchedFileChangeRestartsEveryWorkerUnderLoadWithoutAFailedCall() throws Exception {
        Path version = dir.resolve("VERSION");
        Files.writeString(version, "v1");
        try (WorkerPool pool = PoolTests.pool(2).env("WORKER_VERSION_FILE", version.toString())
                .watch(List.of(dir)).defaults(p -> p.watchDebounce(Duration.ofMillis(100))).start()) {
            assertThat(pool.call("version", null, String.class)).isEqualTo("v1");
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> versions = new ConcurrentLinkedQueue<>();
            Thread[] load = new Thread[3];
            for (int t = 0; t < load.length; t++) {
                load[t] = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            versions.add(pool.call("version", null, String.class));
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
                load[t].start();
            }
            Files.writeString(version, "v2");
            await().atMost(Duration.ofSeconds(20)).until(() -> pool.stats().restarts(RestartReason.RELOAD) >= 2
                    && pool.stats().workers().stream().filter(w -> w.state() != WorkerState.STOPPING).count() == 2
                    && "v2".equals(pool.call("version", null, String.class)));
            Thread.sleep(200);
            stop.set(true);
            for (Thread t : load) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(versions).contains("v1", "v2");
            PoolStats s = pool.stats();
            assertThat(s.calls(CallOutcome.OK)).isEqualTo(s.totalCalls());
            assertThat(s.restarts(RestartReason.RELOAD)).isEqualTo(2);
        }
    }

    @Test
    void aRemoteWorkerJoinsItsNamedPoolOverTcpWithATokenAndLeaves() throws Exception {
        String token = "test-token-" + System.nanoTime();
        try (WorkerPool pool = PoolTests.pool(1).pool("remote", p -> p.routes(List.of("where")).workers(1))
                .remote(new RemoteWorkers(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, null)).start()) {
            String address = "tcp://" + pool.remoteAddress();
            Process remote = new ProcessBuilder("php", PoolTests.REMOTE_WORKER.toString(), address, token, "remote")
                    .redirectErrorStream(true).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats("remote").workers().stream()
                        .anyMatch(w -> w.remote() != null));
                WorkerStats joined = pool.stats("remote").workers().stream().filter(w -> w.remote() != null).findFirst().orElseThrow();
                assertThat(joined.pid()).isEqualTo(remote.pid());
                // the remote pool's local worker does not serve "where"; calls reach the remote one eventually
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    CompletableFuture<Map> f = pool.callAsync("where", null, Map.class);
                    return f.handle((m, e) -> m != null && Boolean.TRUE.equals(m.get("remote"))).join();
                });
                Process impostor = new ProcessBuilder("php", PoolTests.REMOTE_WORKER.toString(), address, "wrong", "remote")
                        .redirectErrorStream(true).start();
                impostor.waitFor();
                assertThat(pool.stats("remote").workers().stream().filter(w -> w.remote() != null)).hasSize(1);
            } finally {
                remote.destroy();
                remote.waitFor();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats("remote").workers().stream().noneMatch(w -> w.remote() != null));
            assertThat(pool.call("echo", args("x", 1), Map.class)).containsEntry("x", 1);
        }
    }

    @Test
    void aLostRemoteWorkerFailsItsCallsFreesItsSlotAndIsNotRestarted() throws Exception {
        String token = "test-token-" + System.nanoTime();
        ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void remoteWorkerLost(WorkerStats worker, String detail) {
                lost.add(worker.pid() + " " + detail);
            }
        };
        try (WorkerPool pool = PoolTests.pool(1).pool("remote", p -> p.routes(List.of("where*")).workers(1)).listener(listener)
                .remote(new RemoteWorkers(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, null)).start()) {
            Process remote = new ProcessBuilder("php", PoolTests.REMOTE_WORKER.toString(), "tcp://" + pool.remoteAddress(), token,
                    "remote").redirectErrorStream(true).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats("remote").workers().size() == 2);
                // two calls, one per worker: the local worker has no such method, the remote one naps
                CompletableFuture<Long> a = pool.callAsync("where.nap", args("ms", 20_000), Long.class);
                CompletableFuture<Long> b = pool.callAsync("where.nap", args("ms", 20_000), Long.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats("remote").workers().stream()
                        .anyMatch(w -> w.remote() != null && w.inFlight() == 1));
                CompletableFuture<Long> onRemote = a.isDone() ? b : a;
                remote.destroyForcibly();
                assertThat(onRemote).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                        .isInstanceOfSatisfying(WorkerCrashedException.class, e -> {
                            assertThat(e.pid()).isEqualTo(remote.pid());
                            assertThat(e.getMessage()).contains("remote worker").contains("does not restart remote workers");
                        });
            } finally {
                remote.destroyForcibly();
                remote.waitFor();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !lost.isEmpty());
            assertThat(lost).singleElement().asString().startsWith(remote.pid() + " ").contains("does not restart");
            assertThat(pool.stats("remote").workers()).singleElement().satisfies(w -> assertThat(w.remote()).isNull());
            assertThat(pool.stats().restarts(RestartReason.CRASH)).isZero();
            assertThat(pool.stats().calls(CallOutcome.CRASHED)).isEqualTo(1);
            assertThat(pool.call("echo", args("x", 2), Map.class)).containsEntry("x", 2);
        }
    }

    @Test
    void aRemoteWorkerJoinsOverTls() throws Exception {
        Path store = dir.resolve("server.p12");
        Path cert = dir.resolve("server.pem");
        String pw = "changeit";
        run("keytool", "-genkeypair", "-alias", "pool", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", pw, "-keypass", pw);
        run("keytool", "-exportcert", "-rfc", "-alias", "pool", "-keystore", store.toString(), "-storepass", pw, "-file",
                cert.toString());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(store)) {
            ks.load(in, pw.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw.toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        String token = "tls-token";
        try (WorkerPool pool = PoolTests.pool(1).pool("remote", p -> p.routes(List.of("where")).workers(1))
                .remote(new RemoteWorkers(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, tls)).start()) {
            Process remote = new ProcessBuilder("php", PoolTests.REMOTE_WORKER.toString(), "tls://" + pool.remoteAddress(), token,
                    "remote", cert.toString()).redirectErrorStream(true).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats("remote").workers().stream()
                        .anyMatch(w -> w.remote() != null && w.pid() == remote.pid()));
            } finally {
                remote.destroy();
                remote.waitFor();
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void aConfigFileSetsTheSameOptions() throws Exception {
        Path file = dir.resolve("parley.yaml");
        Files.writeString(file, String.join("\n",
                "command: [php, " + PoolTests.WORKER + "]",
                "workers: 1",
                "max_jobs: 3",
                "exec_ttl: 1m30s",
                "max_memory: 256MiB",
                "allocate_timeout: 300ms",
                "pools:",
                "  slow:",
                "    routes: ['report.*']",
                "    workers: 1",
                "    exec_ttl: 5m",
                ""));
        WorkerPool.Builder b = WorkerPool.builder().configFile(file);
        List<PoolConfig> cfgs = b.configs();
        assertThat(cfgs).extracting(PoolConfig::name).containsExactly("default", "slow");
        assertThat(cfgs.get(0).maxJobs()).isEqualTo(3);
        assertThat(cfgs.get(0).execTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(cfgs.get(0).maxMemory()).isEqualTo(256L * 1024 * 1024);
        assertThat(cfgs.get(0).allocateTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(cfgs.get(0).workingDir()).isEqualTo(dir.toAbsolutePath());
        assertThat(cfgs.get(1).maxJobs()).isEqualTo(3);
        assertThat(cfgs.get(1).execTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cfgs.get(1).routes()).containsExactly("report.*");
        try (WorkerPool pool = b.start()) {
            assertThat(pool.call("square", args("n", 4), Integer.class)).isEqualTo(16);
        }
        Path json = dir.resolve("parley.json");
        Files.writeString(json, "{\"workers\": 2, \"ttl\": \"5s\", \"idle_tll\": \"1s\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkerPool.builder().configFile(json))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("idle_tll").hasMessageContaining("unknown option");
    }
}
