package io.parley.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code parley} command: {@code call} (try a worker without writing Java), {@code dump}
 * (decode a captured byte stream into frames, SPEC §3) and {@code conformance} (run the suite
 * against any implementation). Exit status: 0 success, 1 the call or check failed, 2 usage or
 * start-up error.
 */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = ParleyCli.Version.class,
        description = "Parley command-line tool: call a worker, decode a captured stream, run the conformance suite.",
        subcommands = {CallCommand.class, DumpCommand.class, ConformanceCommand.class, CommandLine.HelpCommand.class})
public final class ParleyCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String... args) {
        return new CommandLine(new ParleyCli()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: call, dump or conformance");
    }

    /** The version from the jar's manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ParleyCli.class.getPackage().getImplementationVersion();
            return new String[] {"parley " + (v == null ? "dev" : v)};
        }
    }
}
