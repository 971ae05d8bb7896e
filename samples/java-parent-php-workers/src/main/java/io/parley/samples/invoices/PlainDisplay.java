package io.parley.samples.invoices;

import java.io.PrintStream;

/**
 * Progress as plain lines: one at every tenth of the work and one per event, each stamped with
 * the seconds since the start. Nothing but printable text and newlines.
 */
final class PlainDisplay implements ProgressDisplay {
    private final PrintStream out;
    private long startNanos = System.nanoTime();
    private long total = 1;
    private int lastTenth;
    private String task = "";

    PlainDisplay(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void start(String task, long total) {
        this.task = task;
        this.total = Math.max(1, total);
        this.lastTenth = 0;
        this.startNanos = System.nanoTime();
        line(String.format("%s: 0 of %d", task, total));
    }

    @Override
    public synchronized void progress(long done) {
        int tenth = (int) Math.min(10, done * 10 / total);
        if (tenth > lastTenth) {
            lastTenth = tenth;
            line(String.format("%s: %3d%% (%d of %d)", task, tenth * 10, Math.min(done, total), total));
        }
    }

    @Override
    public synchronized void event(String message) {
        line("  " + message);
    }

    @Override
    public synchronized void close() {
        out.flush();
    }

    private void line(String text) {
        out.printf("[%5.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, text);
    }
}
