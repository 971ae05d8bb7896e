package io.parley.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley call} against a real PHP worker (the PHP SDK from this repository). */
class CallCommandTest {
    @TempDir
    static Path dir;
    static String worker;

    @BeforeAll
    static void writeWorker() throws Exception {
        Path sdk = Path.of(System.getProperty("parley.repo", "../..")).toAbsolutePath().normalize().resolve("sdk-php/src/autoload.php");
        assertThat(sdk).as("the PHP SDK's autoloader").exists();
        Path script = dir.resolve("worker.php");
        Files.writeString(script, "<?php\n"
                + "declare(strict_types=1);\n"
                + "require " + phpString(sdk.toString()) + ";\n"
                + "$w = Parley\\Ipc::worker();\n"
                + "$w->handle('add', fn (array $p): array => ['sum' => $p['a'] + $p['b']]);\n"
                + "$w->handle('refuse', function (array $p): never { throw new Parley\\Exception\\RemoteException('no, because ' . $p['why'], 4001); });\n"
                + "$w->run();\n");
        worker = System.getProperty("parley.php", "php") + " " + script;
    }

    private static String phpString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    void printsTheJsonResult() {
        CliRun r = CliRun.of("call", worker, "add", "{\"a\": 2, \"b\": 40}");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"sum\" : 42");
    }

    @Test
    void printsTheTypedError() {
        CliRun r = CliRun.of("call", worker, "refuse", "{\"why\": \"closed\"}");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("error 4001: no, because closed");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownMethodIsATypedErrorToo() {
        CliRun r = CliRun.of("call", worker, "nope", "null");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsPattern("error -?\\d+");
    }

    @Test
    void badJsonIsAUsageError() {
        CliRun r = CliRun.of("call", worker, "add", "{not json");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("not valid JSON");
    }

    @Test
    void aWorkerThatCannotStartIsReported() {
        CliRun r = CliRun.of("call", dir.resolve("no-such-program").toString(), "add", "{}");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("could not start the worker");
    }

    @Test
    void splitsTheCommandLikeAShell() {
        assertThat(CallCommand.split("php  'my worker.php' -d \"x=1\"")).containsExactly("php", "my worker.php", "-d", "x=1");
        assertThat(CallCommand.split("a ''")).containsExactly("a", "");
    }
}
