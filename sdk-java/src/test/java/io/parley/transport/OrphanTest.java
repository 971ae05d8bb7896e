package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parley.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No orphans (SPEC §9.1) with a Java parent: a helper JVM ({@link Parent}) launches a PHP worker
 * through {@link ChildProcessTransport} and asks it to hold (spin in a CPU loop or block in
 * sleep(), with a grandchild running); the test SIGKILLs the helper JVM and polls the process table
 * until the worker, its watchdog and the grandchild are gone (at most 10 s; the time is printed,
 * not asserted). The worker script is sdk-php/tests/Fixtures/orphan-worker.php.
 */
class OrphanTest {
    private static final Path WORKER = Path.of("..", "sdk-php", "tests", "Fixtures", "orphan-worker.php")
            .toAbsolutePath().normalize();
    private static final String PHP = System.getenv().getOrDefault("PARLEY_PHP", "php");

    @BeforeAll
    static void linuxWithPhp() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        assumeTrue(Files.isRegularFile(WORKER), "needs the sdk-php fixtures beside sdk-java");
    }

    @ParameterizedTest(name = "{0}, php args [{1}]")
    @CsvSource({"spin, ''", "block, ''", "spin, -d ffi.enable=0"})
    void workerAndGrandchildDieWithAKilledJavaParent(String mode, String phpArgs, @TempDir Path dir) throws Exception {
        Path pidfile = dir.resolve("pids");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", classPath(), Parent.class.getName(),
                mode, pidfile.toString()));
        if (!phpArgs.isBlank()) {
            command.addAll(List.of(phpArgs.trim().split(" ")));
        }
        Process parent = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("parent.log").toFile())
                .start();
        List<ProcessHandle> tree = List.of();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!Files.exists(pidfile) && parent.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(pidfile).as("the worker reached its handler; helper JVM output:%n%s", log(dir)).exists();
            List<String> lines = Files.readAllLines(pidfile, StandardCharsets.UTF_8);
            String[] pids = lines.get(0).split(" ");
            long worker = Long.parseLong(pids[0]);
            long grandchild = Long.parseLong(pids[1]);
            tree = parent.descendants().collect(Collectors.toList());
            assertThat(tree).extracting(ProcessHandle::pid).contains(worker, grandchild);
            assertThat(lines.get(1)).contains("watchdog pid");
            if (phpArgs.contains("ffi.enable=0")) {
                assertThat(lines.get(1)).doesNotContain("pdeathsig (");
            } else {
                assertThat(lines.get(1)).contains("pdeathsig (SIGKILL)");
            }
            Thread.sleep(200); // the worker is now deep in its loop or sleep()

            long killed = System.nanoTime();
            parent.destroyForcibly(); // SIGKILL
            List<Long> running = awaitGone(tree, 10_000);
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            assertThat(running).as("still running 10 s after the Java parent was killed").isEmpty();
            System.out.printf("[orphans] Java parent (%s%s): %d processes gone %d ms after SIGKILL%n",
                    mode, phpArgs.isBlank() ? "" : ", " + phpArgs.trim(), tree.size(), tookMs);
        } finally {
            parent.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * The thread-that-forked catch of PR_SET_PDEATHSIG: the kernel signals the worker when the
     * parent *thread* that created it exits. ChildProcessTransport launches from a thread of its own
     * that lives as long as the child, so a launch from a short-lived thread must not kill it.
     */
    @Test
    void aWorkerOutlivesTheThreadThatLaunchedIt() throws Exception {
        AtomicReference<ChildProcessTransport> launched = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread launcher = new Thread(() -> {
            try {
                launched.set(ChildProcessTransport.launch(List.of(PHP, WORKER.toString())));
            } catch (IOException e) {
                failed.set(e);
            }
        }, "short-lived launcher");
        launcher.start();
        launcher.join();
        assertThat(failed.get()).isNull();
        ChildProcessTransport child = launched.get();
        try (Session session = Session.builder(child).open()) {
            Thread.sleep(300); // time for a death signal to arrive if the launcher thread were the parent
            assertThat(child.processHandle().isAlive()).as("the worker is alive after its launcher thread ended").isTrue();
            assertThat(session.call("pid", null, Long.class)).isEqualTo(child.processHandle().pid());
        } finally {
            child.kill();
        }
    }

    /** Polls /proc until none of the processes runs (a zombie counts as gone); returns those still running. */
    private static List<Long> awaitGone(List<ProcessHandle> processes, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        List<Long> running;
        do {
            running = processes.stream().map(ProcessHandle::pid).filter(OrphanTest::isRunning).collect(Collectors.toList());
            if (running.isEmpty()) {
                return running;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return running;
    }

    private static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException e) {
            return false;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("parent.log"));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /**
     * The helper JVM parent: {@code Parent <spin|block> <pidfile> [php args...]} launches the PHP
     * worker from a short-lived thread, checks it answers, sends {@code hold} and waits until killed.
     */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(PHP);
            command.addAll(List.of(args).subList(2, args.length));
            command.add(WORKER.toString());
            AtomicReference<ChildProcessTransport> launched = new AtomicReference<>();
            Thread launcher = new Thread(() -> {
                try {
                    launched.set(ChildProcessTransport.launch(command));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            launcher.start();
            launcher.join();
            Session session = Session.builder(launched.get()).open();
            session.call("pid", null, Long.class);
            session.callAsync("hold", Map.of("mode", args[0], "pidfile", args[1]), Object.class);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
