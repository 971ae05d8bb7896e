package io.parley.internal;

import io.parley.codec.Compression;
import io.parley.codec.KryoCodec;
import io.parley.codec.ZstdCompression;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kryo and zstd-jni are optional dependencies: without them the SDK still loads, offers deflate
 * only, and a user who asks for Kryo or zstd gets an error naming the Maven coordinates to add.
 * Checked in a forked JVM whose class path lacks both libraries.
 */
class OptionalDependencyTest {

    /** Runs in the forked JVM: prints one line per check. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("kryo present=" + OptionalDependency.KRYO.isPresent());
            System.out.println("zstd present=" + OptionalDependency.ZSTD.isPresent());
            System.out.println("compressions=" + Compression.available().stream().map(Compression::name).collect(Collectors.joining(",")));
            try {
                // no lambda here: a Consumer<Kryo> lambda would itself need Kryo to be created
                new KryoCodec(null);
                System.out.println("kryo: no error");
            } catch (IllegalStateException e) {
                System.out.println("kryo: " + e.getMessage());
            }
            try {
                ZstdCompression.INSTANCE.compress(new byte[] {1, 2, 3});
                System.out.println("zstd: no error");
            } catch (IllegalStateException e) {
                System.out.println("zstd: " + e.getMessage());
            }
        }
    }

    @Test
    void presentOnTheTestClassPath() {
        assertThat(OptionalDependency.KRYO.isPresent()).isTrue();
        assertThat(OptionalDependency.ZSTD.isPresent()).isTrue();
        OptionalDependency.KRYO.require();
        assertThat(OptionalDependency.KRYO.coordinates()).matches("com\\.esotericsoftware:kryo:\\d+\\.\\d+.*");
        assertThat(OptionalDependency.ZSTD.coordinates()).matches("com\\.github\\.luben:zstd-jni:\\d+\\.\\d+.*");
    }

    @Test
    void withoutKryoAndZstdTheSdkSaysWhatToAdd() throws Exception {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("kryo") && !e.contains("zstd") && !e.contains("minlog") && !e.contains("reflectasm")
                        && !e.contains("objenesis"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", cp, Probe.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("forked JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("kryo present=false", "zstd present=false", "compressions=deflate\n")
                .containsPattern("kryo: the Kryo codec \\(KryoCodec\\) needs com\\.esotericsoftware:kryo:\\d")
                .contains("<groupId>com.esotericsoftware</groupId><artifactId>kryo</artifactId>")
                .containsPattern("zstd: zstd compression \\(ZstdCompression\\) needs com\\.github\\.luben:zstd-jni:\\d")
                .doesNotContain("NoClassDefFoundError");
    }
}
