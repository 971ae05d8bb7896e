package io.parley.conformance.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A peer program the runner started. Its stderr is drained continuously and its last lines kept
 * (SPEC §9.1); when stdout is not the protocol stream (socket servers), stdout is drained too and
 * the {@code LISTENING <address>} line is picked out of it.
 */
public final class PeerProcess implements AutoCloseable {
    private static final int TAIL_LINES = 50;

    private final String label;
    private final List<String> argv;
    private final Process process;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Deque<String> stdoutTail = new ArrayDeque<>();
    private final CompletableFuture<String> listening = new CompletableFuture<>();
    private final List<Thread> drains = new java.util.concurrent.CopyOnWriteArrayList<>();

    private PeerProcess(String label, List<String> argv, Process process, boolean stdoutIsProtocol) {
        this.label = label;
        this.argv = List.copyOf(argv);
        this.process = process;
        drain(process.getErrorStream(), stderrTail, false, "stderr");
        if (!stdoutIsProtocol) drain(process.getInputStream(), stdoutTail, true, "stdout");
    }

    /** Starts {@code argv}; stdout is the protocol stream when {@code stdoutIsProtocol}. */
    public static PeerProcess start(String label, List<String> argv, boolean stdoutIsProtocol, Path workDir) throws IOException {
        return start(label, argv, stdoutIsProtocol, workDir, Map.of());
    }

    /** Like {@link #start(String, List, boolean, Path)}, with {@code env} added to the inherited environment. */
    public static PeerProcess start(String label, List<String> argv, boolean stdoutIsProtocol, Path workDir, Map<String, String> env)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        if (workDir != null) pb.directory(workDir.toFile());
        try {
            return new PeerProcess(label, argv, pb.start(), stdoutIsProtocol);
        } catch (IOException e) {
            throw new IOException("cannot start " + label + " (" + CommandLine.abbreviate(argv) + "): " + e.getMessage(), e);
        }
    }

    private void drain(InputStream s, Deque<String> tail, boolean watchListening, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (watchListening && !listening.isDone() && line.startsWith("LISTENING ")) {
                        listening.complete(line.substring("LISTENING ".length()).trim());
                        continue;
                    }
                    synchronized (tail) {
                        tail.addLast(line.length() > 500 ? line.substring(0, 500) + "…" : line);
                        while (tail.size() > TAIL_LINES) tail.removeFirst();
                        if (tail == stderrTail) stderrLines++;
                    }
                }
            } catch (IOException ignored) {
                // process gone
            } finally {
                if (watchListening) listening.completeExceptionally(new IOException("stdout closed before a LISTENING line"));
            }
        }, label + "-" + name);
        t.setDaemon(true);
        drains.add(t);
        t.start();
    }

    public Process process() {
        return process;
    }

    public String label() {
        return label;
    }

    public List<String> argv() {
        return argv;
    }

    /** Waits for the {@code LISTENING <address>} line (PEER-CONTRACT). */
    public String awaitListening(Duration timeout) throws IOException {
        try {
            return listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(label + " printed no LISTENING line within " + timeout.toSeconds() + " s" + tails());
        } catch (Exception e) {
            throw new IOException(label + " printed no LISTENING line: " + rootMessage(e) + exitInfo() + tails());
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the exit; returns the status or null if still running. */
    public Integer waitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * After the exit: waits until the drained streams reached their end (every line the process
     * wrote is in the tails), at most {@code timeout}. A child that inherited the streams may keep
     * them open; then this returns after the timeout.
     */
    public void awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Thread t : drains) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) return;
                t.join(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the child's stdin (SPEC §9.1: end of input; the ring keeps it as a lifeline, §9.4). */
    public void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    public String exitInfo() {
        return process.isAlive() ? "" : " (exit status " + process.exitValue() + ")";
    }

    private long stderrLines;

    /** How many stderr lines were seen so far (for {@link #tailsSince}). */
    public long stderrMark() {
        synchronized (stderrTail) {
            return stderrLines;
        }
    }

    /** Like {@link #tails()}, but only stderr lines written after {@code mark} (a shared server). */
    public String tailsSince(long mark) {
        String e;
        synchronized (stderrTail) {
            long fresh = stderrLines - mark;
            List<String> l = new java.util.ArrayList<>(stderrTail);
            e = String.join("\n", l.subList((int) Math.max(0, l.size() - Math.min(fresh, l.size())), l.size()));
        }
        return e.isBlank() ? "" : "\n  stderr of " + label + " (during this case):\n    " + lastLines(e, 12).replace("\n", "\n    ");
    }

    public String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    public String stdoutTail() {
        synchronized (stdoutTail) {
            return String.join("\n", stdoutTail);
        }
    }

    /** The stderr (and stdout when drained) tails, formatted for a failure detail. */
    public String tails() {
        StringBuilder b = new StringBuilder();
        String e = stderrTail();
        if (!e.isBlank()) b.append("\n  stderr of ").append(label).append(":\n    ").append(lastLines(e, 12).replace("\n", "\n    "));
        String o = stdoutTail();
        if (!o.isBlank()) b.append("\n  stdout of ").append(label).append(":\n    ").append(lastLines(o, 6).replace("\n", "\n    "));
        return b.toString();
    }

    private static String lastLines(String s, int n) {
        String[] l = s.split("\n");
        if (l.length <= n) return s;
        return String.join("\n", java.util.Arrays.copyOfRange(l, l.length - n, l.length));
    }

    /** Terminates the process and all its descendants: SIGTERM, 2 s grace, then SIGKILL. */
    @Override
    public void close() {
        List<ProcessHandle> kids = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle k : kids) if (k.isAlive()) k.destroyForcibly();
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // gone
        }
    }
}
