package io.parley.samples.invoices;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A live progress bar (the {@code me.tongfei:progressbar} library), at most 79 columns wide. An
 * event shows as the bar's message while it runs and is listed again below the finished bar.
 */
final class BarDisplay implements ProgressDisplay {
    private static final int WIDTH = 79;
    private final PrintStream out;
    private final List<String> events = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private ProgressBar bar;

    BarDisplay(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void start(String task, long total) {
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" lines", 1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(100)
                .setMaxRenderedLength(WIDTH)
                .setConsumer(new ConsoleProgressBarConsumer(out, WIDTH))
                .build();
    }

    @Override
    public synchronized void progress(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public synchronized void event(String message) {
        events.add(String.format("[%5.1f s] %s", (System.nanoTime() - startNanos) / 1e9, message));
    }

    @Override
    public synchronized void status(String shortText) {
        if (bar != null) {
            bar.setExtraMessage(shortText.length() > 14 ? shortText.substring(0, 14) : shortText);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.setExtraMessage("");
            bar.close();
            bar = null;
        }
        events.forEach(out::println);
        events.clear();
        out.flush();
    }
}
