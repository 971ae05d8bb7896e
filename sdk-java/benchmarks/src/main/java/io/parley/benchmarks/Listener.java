package io.parley.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process of the socket rows, started but not connected to: a Java {@link BenchPeer} or a
 * PHP script ({@code raw-echo.php listen}, {@code bench-worker.php listen}) that prints
 * {@code LISTENING /path} or {@code LISTENING host:port} and serves one connection.
 */
final class Listener implements AutoCloseable {
    final String address;
    private final Process process;
    private final Path dir;

    private Listener(Process process, String address, Path dir) {
        this.process = process;
        this.address = address;
        this.dir = dir;
    }

    /** {@code peer}: java or php; {@code impl}: raw or parley; {@code transport}: unix or tcp. */
    static Listener start(String peer, String impl, String transport) throws IOException {
        Path dir = transport.equals("unix") ? Files.createTempDirectory("parley-bench") : null;
        String socket = dir == null ? null : dir.resolve("b.sock").toString();
        List<String> cmd;
        if (peer.equals("java")) {
            cmd = Peer.command(impl.equals("raw") ? "raw" : "parley", transport);
            if (socket != null) {
                cmd.add(socket);
            }
        } else {
            cmd = new ArrayList<>(List.of(Contender.php(), Contender.phpScript(impl.equals("raw") ? "raw-echo.php" : "bench-worker.php").toString(),
                    "listen", socket != null ? "unix://" + socket : "tcp://127.0.0.1:0"));
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not listen (it printed " + line + ")");
        }
        return new Listener(p, line.substring("LISTENING ".length()).trim(), dir);
    }

    @Override
    public void close() throws Exception {
        if (!process.waitFor(5, TimeUnit.SECONDS)) { // it exits when its one connection closes
            process.destroy();
            process.waitFor();
        }
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("b.sock"));
            Files.deleteIfExists(dir);
        }
    }
}
