package io.parley.samples.invoices;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * Shows how far the batch got: a live progress bar on a terminal ({@link BarDisplay}), plain
 * lines elsewhere ({@link PlainDisplay}: no escape codes, no carriage returns, so logs and CI
 * output stay readable). Implementations are thread-safe: progress arrives from many calls at once.
 */
public interface ProgressDisplay extends AutoCloseable {

    /** Starts showing a task of {@code total} steps. */
    void start(String task, long total);

    /** {@code done} steps of the total are done (it may go back when work is redone). */
    void progress(long done);

    /** Something worth a line happened (a worker was killed, a worker started). */
    void event(String message);

    /** A few words shown beside a live bar (e.g. "killed 4242"); plain lines ignore it. */
    default void status(String shortText) {
    }

    /** Stops showing progress; later output goes below it. */
    @Override
    void close();

    /** The display for {@code mode}: AUTO picks the bar only when stdout is a terminal. */
    static ProgressDisplay create(DemoOptions.Display mode, PrintStream out) {
        boolean bar = switch (mode) {
            case TTY -> true;
            case PLAIN -> false;
            case AUTO -> stdoutIsTerminal();
        };
        return bar ? new BarDisplay(out) : new PlainDisplay(out);
    }

    /**
     * Whether stdout is an interactive terminal. Before Java 22 {@link System#console()} is null
     * unless stdin and stdout are terminals; from Java 22 on it may exist anyway and {@code
     * Console.isTerminal()} (called reflectively, the code compiles for Java 17) tells.
     */
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
