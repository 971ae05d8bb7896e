package io.parley.pool.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Signals to a worker's whole process tree (SPEC §9.1): SIGTERM to the worker and every
 * descendant, then SIGKILL to whatever is left. The descendants are listed before the first
 * signal, since a grandchild whose parent died is re-parented and no longer found from the root.
 * Also reads a process's resident memory from {@code /proc/<pid>/status}.
 */
public final class ProcessTree {
    private ProcessTree() {
    }

    /** The root and all its descendants alive now. */
    public static List<ProcessHandle> snapshot(ProcessHandle root) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        all.add(root);
        all.addAll(root.descendants().collect(Collectors.toList()));
        return new ArrayList<>(all);
    }

    /**
     * SIGTERM to the tree, wait up to {@code termTimeout} for every member to exit, then SIGKILL to
     * every member still alive (descendants started meanwhile included). Returns true when it had
     * to send SIGKILL. Blocks at most about {@code termTimeout} plus 2 s.
     */
    public static boolean terminate(ProcessHandle root, Duration termTimeout) {
        Set<ProcessHandle> tree = new LinkedHashSet<>(snapshot(root));
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        if (awaitAll(tree, termTimeout.toNanos())) {
            return false;
        }
        kill(root, tree);
        return true;
    }

    /** SIGKILL to the tree at once (descendants first listed, so none escapes). */
    public static void kill(ProcessHandle root) {
        kill(root, new LinkedHashSet<>(snapshot(root)));
    }

    private static void kill(ProcessHandle root, Set<ProcessHandle> known) {
        if (root.isAlive()) {
            known.addAll(snapshot(root));
        }
        for (ProcessHandle p : new ArrayList<>(known)) {
            if (p.isAlive()) {
                known.addAll(p.descendants().collect(Collectors.toList()));
            }
        }
        for (ProcessHandle p : known) {
            p.destroyForcibly();
        }
        awaitAll(known, TimeUnit.SECONDS.toNanos(2));
    }

    /** Whether every process of {@code tree} exited within {@code nanos}. */
    public static boolean awaitAll(Iterable<ProcessHandle> tree, long nanos) {
        long end = System.nanoTime() + nanos;
        for (ProcessHandle p : tree) {
            long left = end - System.nanoTime();
            if (!p.isAlive()) {
                continue;
            }
            if (left <= 0) {
                return false;
            }
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                if (p.isAlive()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** VmRSS of {@code pid} in bytes, or -1 when unknown (not Linux, or the process is gone). */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The signal number for an exit status of 128 + n (how a shell and the JDK report a signal). */
    public static Integer signalOf(Integer exitCode) {
        return exitCode != null && exitCode > 128 && exitCode < 160 ? exitCode - 128 : null;
    }
}
