package io.parley.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C ping-pong floor ({@code sdk-java/benchmarks/c/pingpong.c}: two processes, a fork, one write and one
 * read per message each way, nothing else): what the kernel allows for a round trip over a pipe,
 * a Unix socket pair or loopback TCP on this machine. Compiled at run time with the system C
 * compiler ({@code cc} or {@code gcc} on the PATH); without one its measurements are skipped and the
 * report says "no C compiler".
 */
final class CFloor {
    private static final Pattern RATE = Pattern.compile("rt_per_s=([0-9.]+)");
    private static Path binary;

    private CFloor() {
    }

    /** Round trips/s of {@code size}-byte messages over {@code transport} (pipe, unix, tcp). */
    static Contender pingPong(String transport, int size) {
        return count -> {
            Path exe = compile();
            Process p = new ProcessBuilder(exe.toString(), transport, Integer.toString(size), Integer.toString(count), "-", "-")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = RATE.matcher(out);
            if (p.waitFor() != 0 || !m.find()) {
                throw new IOException("pingpong " + transport + " failed: " + out.trim());
            }
            return Double.parseDouble(m.group(1));
        };
    }

    private static synchronized Path compile() throws Exception {
        if (binary != null) {
            return binary;
        }
        Optional<Path> cc = compiler();
        if (cc.isEmpty()) {
            throw new Contender.Skipped("no C compiler");
        }
        Path src = BenchSuite.root().resolve("sdk-java/benchmarks/c");
        Path out = BenchSuite.root().resolve("sdk-java/benchmarks/target/c/pingpong");
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(List.of(cc.get().toString(), "-O2", "-o", out.toString(), src.resolve("pingpong.c").toString()))
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("compiling sdk-java/benchmarks/c/pingpong.c failed: " + log.trim());
        }
        binary = out;
        return out;
    }

    private static Optional<Path> compiler() {
        for (String name : List.of("cc", "gcc")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
