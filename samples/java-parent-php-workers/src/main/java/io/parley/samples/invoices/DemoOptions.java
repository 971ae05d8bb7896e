package io.parley.samples.invoices;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's command line. Every option has a default, so the demo runs without any:
 *
 * <pre>
 * InvoiceDemo [--orders N] [--pace-ms MS] [--no-kill] [--plain | --tty] [--workers N]
 *             [--php PATH] [--home DIR]
 * </pre>
 *
 * @param home    the sample's folder (holds {@code data/} and {@code php/}); found from the
 *                working directory upwards when not given
 * @param orders  how many orders of {@code data/orders.json} to invoice (0: all of them)
 * @param paceMs  how long the PHP worker waits per line item, standing in for its per-line lookups
 *                (0: flat out)
 * @param kill    whether to SIGKILL one worker mid-run to show the pool's recovery
 * @param display how to show progress
 * @param workers pool size, or 0 for the pool's default (one per CPU)
 * @param php     the PHP binary ({@code PARLEY_PHP} or {@code php})
 */
public record DemoOptions(Path home, int orders, int paceMs, boolean kill, Display display, int workers, String php) {

    /** How progress is shown. */
    public enum Display {
        /** A live progress bar when stdout is a terminal, plain lines otherwise. */
        AUTO,
        /** Always the live progress bar. */
        TTY,
        /** Always plain lines (no escape codes, no carriage returns): for logs and CI. */
        PLAIN
    }

    static final String USAGE = "usage: InvoiceDemo [--orders N] [--pace-ms MS] [--no-kill] [--plain | --tty]"
            + " [--workers N] [--php PATH] [--home DIR]";

    /** Parses the command line; throws {@link IllegalArgumentException} with the usage on a bad one. */
    public static DemoOptions parse(String... args) {
        Path home = null;
        int orders = 0;
        int paceMs = 15;
        boolean kill = true;
        Display display = Display.AUTO;
        int workers = 0;
        String php = System.getenv().getOrDefault("PARLEY_PHP", "php");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--orders" -> orders = number(arg, value(args, ++i, arg));
                case "--pace-ms" -> paceMs = number(arg, value(args, ++i, arg));
                case "--no-kill" -> kill = false;
                case "--plain" -> display = Display.PLAIN;
                case "--tty" -> display = Display.TTY;
                case "--workers" -> workers = number(arg, value(args, ++i, arg));
                case "--php" -> php = value(args, ++i, arg);
                case "--home" -> home = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'; " + USAGE);
            }
        }
        return new DemoOptions(home != null ? home : findHome(), orders, paceMs, kill, display, workers, php);
    }

    /** The PHP worker script. */
    public Path workerScript() {
        return home.resolve("php/invoice-worker.php");
    }

    /** The folder of the data files shipped with the sample. */
    public Path dataDir() {
        return home.resolve("data");
    }

    /** Where the rendered invoices go. */
    public Path outputDir() {
        return home.resolve("target/invoices");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value; " + USAGE);
        }
        return args[i];
    }

    private static int number(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number >= 0, not '" + value + "'; " + USAGE);
        }
    }

    /** The sample's folder: the working directory, one of its parents, or their samples/ child. */
    private static Path findHome() {
        String marker = "php/invoice-worker.php";
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir, dir.resolve("samples/java-parent-php-workers")}) {
                if (Files.isRegularFile(candidate.resolve(marker))) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("cannot find the sample's folder (with " + marker
                + ") from " + Path.of("").toAbsolutePath() + "; run from the repository or pass --home DIR");
    }
}
