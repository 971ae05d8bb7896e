package io.parley.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Drains a child's stderr continuously (a full stderr pipe blocks the child, SPEC §9.1), logs
 * every line and keeps the last lines, bounded in count and bytes, for failure reports.
 */
final class StderrTail implements Runnable {
    private static final int MAX_LINE = 1024;
    private final InputStream in;
    private final Logger log;
    private final String prefix;
    private final int maxLines;
    private final int maxBytes;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int bytes;
    private final Thread thread;

    StderrTail(InputStream in, Logger log, String prefix, int maxLines, int maxBytes) {
        this.in = in;
        this.log = log;
        this.prefix = prefix;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        this.thread = io.parley.internal.io.Threads.platform("parley-stderr-" + prefix, this);
    }

    void start() {
        thread.start();
    }

    /** Waits up to {@code millis} for stderr to reach end of stream. */
    void awaitEnd(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        add(line);
                    } else if (line.size() < MAX_LINE) {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the pipe closes when the child is gone: nothing more to drain
        } finally {
            if (line.size() > 0) {
                add(line);
            }
        }
    }

    private void add(java.io.ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        line.reset();
        log.info("[{} stderr] {}", prefix, s);
        synchronized (lines) {
            lines.addLast(s);
            bytes += s.length() + 1;
            while (lines.size() > maxLines || bytes > maxBytes && lines.size() > 1) {
                bytes -= lines.removeFirst().length() + 1;
            }
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }
}
