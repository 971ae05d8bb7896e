package io.parley.transport;

import io.parley.PeerGoneException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process's stdio (SPEC §9.1), launched with commons-exec: frames to its stdin, from its
 * stdout; stderr drained continuously, logged, and its last lines kept for failure reports. This
 * side is the initiator. Closing closes the child's stdin, waits for the exit (grace), then
 * terminates (SIGTERM) and finally kills (SIGKILL).
 *
 * <pre>{@code
 * Transport t = ChildProcessTransport.launch(List.of("php", "worker.php"));
 * }</pre>
 */
public final class ChildProcessTransport extends StreamTransport {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessTransport.class);
    private static final ShutdownHookProcessDestroyer DESTROYER = new ShutdownHookProcessDestroyer();

    private final Process process;
    private final StderrTail stderr;
    private final Duration grace;

    private ChildProcessTransport(Process process, InputStream stdout, OutputStream stdin, StderrTail stderr, String description,
            Duration grace) {
        // pipe reads are not interruptible, so any thread may read; they cannot be bounded in time
        super(stdout, stdin, Role.INITIATOR, description, 0, null, Capabilities.PIPE);
        this.process = process;
        this.stderr = stderr;
        this.grace = grace;
    }

    /** Launches {@code command} (program and arguments, no shell) with default options. */
    public static ChildProcessTransport launch(List<String> command) throws IOException {
        return builder(command).launch();
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /** Options of a child launch. */
    public static final class Builder {
        private final List<String> command;
        private Path workingDirectory;
        private Map<String, String> environment;
        private Duration grace = Duration.ofSeconds(5);
        private int tailLines = 50;
        private int tailBytes = 8192;

        private Builder(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command must name a program");
            }
            this.command = List.copyOf(command);
        }

        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /** The child's whole environment (default: this process's). */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /** How long close() waits for the exit before SIGTERM (default 5 s; SIGKILL 2 s later). */
        public Builder grace(Duration grace) {
            this.grace = grace;
            return this;
        }

        /** Stderr lines and bytes kept for failure reports (default 50 lines, 8 KiB). */
        public Builder stderrTail(int lines, int bytes) {
            this.tailLines = lines;
            this.tailBytes = bytes;
            return this;
        }

        public ChildProcessTransport launch() throws IOException {
            CommandLine cl = new CommandLine(command.get(0));
            for (String arg : command.subList(1, command.size())) {
                cl.addArgument(arg, false);
            }
            RawStreams raw = new RawStreams();
            CompletableFuture<Process> launched = new CompletableFuture<>();
            @SuppressWarnings("deprecation")
            DefaultExecutor executor = new DefaultExecutor() {
                @Override
                protected Process launch(CommandLine c, Map<String, String> env, File dir) throws IOException {
                    Process p = super.launch(c, env, dir);
                    launched.complete(p);
                    return p;
                }

                @Override
                protected Process launch(CommandLine c, Map<String, String> env, Path dir) throws IOException {
                    Process p = super.launch(c, env, dir);
                    launched.complete(p);
                    return p;
                }
            };
            executor.setStreamHandler(raw);
            executor.setExitValues(null);
            executor.setProcessDestroyer(DESTROYER);
            if (workingDirectory != null) {
                executor.setWorkingDirectory(workingDirectory.toFile());
            }
            DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
            // commons-exec forks from a thread of its own that waits for the child's exit. Keep it so:
            // PHP workers arm PR_SET_PDEATHSIG, which fires when the *thread* that forked them ends
            // (SPEC §9.1); a launch from the caller's thread would kill a worker when that thread ends.
            executor.execute(cl, environment, result);
            try {
                Process p = launched.get(10, TimeUnit.SECONDS);
                OutputStream in = raw.stdin.get(10, TimeUnit.SECONDS);
                InputStream out = raw.stdout.get(10, TimeUnit.SECONDS);
                InputStream err = raw.stderr.get(10, TimeUnit.SECONDS);
                String name = "child pid " + p.pid() + " (" + String.join(" ", command) + ")";
                StderrTail tail = new StderrTail(err, LOG, "pid " + p.pid(), tailLines, tailBytes);
                tail.start();
                LOG.debug("launched {}", name);
                return new ChildProcessTransport(p, out, in, tail, name, grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while launching " + command, e);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = result.hasResult() ? result.getException() : e;
                throw new IOException("could not launch " + command + ": " + (cause == null ? e : cause.getMessage()), cause);
            }
        }
    }

    /** Captures the raw process streams; deliberately no pumping (PumpStreamHandler never flushes). */
    private static final class RawStreams implements ExecuteStreamHandler {
        final CompletableFuture<OutputStream> stdin = new CompletableFuture<>();
        final CompletableFuture<InputStream> stdout = new CompletableFuture<>();
        final CompletableFuture<InputStream> stderr = new CompletableFuture<>();

        @Override
        public void setProcessInputStream(OutputStream os) {
            stdin.complete(os);
        }

        @Override
        public void setProcessOutputStream(InputStream is) {
            stdout.complete(is);
        }

        @Override
        public void setProcessErrorStream(InputStream is) {
            stderr.complete(is);
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }
    }

    /** The bytes waiting in the child's stdout pipe ({@code FIONREAD} through the process stream). */
    @Override
    public int readable() throws IOException {
        return input().available();
    }

    /** The child's process handle (pid, liveness). */
    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** The last stderr lines kept so far. */
    public List<String> stderrTail() {
        return stderr.lines();
    }

    /**
     * Closes the child's stdin, waits up to the grace period for the exit, then terminates
     * (SIGTERM) and finally kills (SIGKILL).
     */
    @Override
    protected void closeMedium() throws IOException {
        try {
            output().close();
        } catch (IOException e) {
            // the child may already be gone
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not exit {} ms after its stdin closed; sending SIGTERM", description(), grace.toMillis());
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    LOG.warn("{} ignored SIGTERM; killing it", description());
                    process.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            stderr.awaitEnd(1000);
            input().close();
        }
    }

    /** Kills the child and its descendants at once (SIGKILL), for abrupt closes. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public PeerGoneException peerGone(String what) {
        Integer exit = null;
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                exit = process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stderr.awaitEnd(1000);
        List<String> tail = new ArrayList<>(stderr.lines());
        StringBuilder msg = new StringBuilder(what).append(": ").append(description());
        msg.append(exit == null ? " is still running" : " exited with status " + exit);
        if (!tail.isEmpty()) {
            msg.append("; last stderr lines:");
            for (String line : tail.subList(Math.max(0, tail.size() - 10), tail.size())) {
                msg.append("\n  ").append(line);
            }
        }
        return new PeerGoneException(msg.toString(), exit, tail);
    }

}
