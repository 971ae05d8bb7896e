package io.parley.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the PHP samples as smoke tests: the cookbook ({@code samples/php-cookbook/run-all.php},
 * every pair checks its own results) and the Composer project ({@code samples/php-composer-package/run.sh}
 * against a {@link PriceService} started here on a private Unix socket).
 */
class PhpSamplesSmokeTest {
    private static final Path SAMPLES = Path.of("").toAbsolutePath().getParent(); // this module lives in samples/
    private static final String PHP = System.getenv().getOrDefault("PARLEY_PHP", "php");

    @Test
    void cookbookPairsAllPass() throws Exception {
        Result r = run(List.of(PHP, SAMPLES.resolve("php-cookbook/run-all.php").toString()));
        assertThat(r.exit).as("run-all.php output:%n%s", r.output).isZero();
        assertThat(r.output).contains("all 8 cookbook samples passed");
    }

    @Test
    void composerPackageCallsTheJavaServiceOverAUnixSocket(@TempDir Path dir) throws Exception {
        assertThat(onPath("composer"))
                .as("composer is not installed: the php-composer-package sample is a Composer project and its smoke"
                        + " test needs it (Debian/Ubuntu: apt-get install composer)")
                .isTrue();
        Path socket = dir.resolve("prices.sock");
        try (TransportServer server = UnixSockets.listen(socket)) {
            Thread acceptor = new Thread(() -> PriceService.serve(server), "price-service-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            Result r = run(List.of("sh", SAMPLES.resolve("php-composer-package/run.sh").toString(), "--socket",
                    socket.toString()));
            assertThat(r.exit).as("run.sh output:%n%s", r.output).isZero();
            assertThat(r.output).contains("total 15.24", "refused by the service: 4004", "ok");
        }
        assertThat(SAMPLES.resolve("php-composer-package/vendor/parley/parley/src/Ipc.php"))
                .as("parley/parley was installed from the path repository").exists();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(SAMPLES.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
