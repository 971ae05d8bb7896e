package io.parley.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code parley conformance --peer NAME=CMD ...}: runs the conformance suite against any
 * implementation; delegates to {@code io.parley.conformance.Main}, whose options it passes on.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite against implementations (see conformance-tests/README.md).",
                "Other options (--transports, --layers, --cases, --pairs, --report, --junit, --require, --time-scale, --list) are passed on.",
                "Exit status: 0 no red cell, 1 red cells, 2 bad arguments."})
final class ConformanceCommand implements Callable<Integer> {

    @Option(names = "--peer", paramLabel = "NAME=CMD", description = "an implementation and the command that starts its peer program (repeatable)")
    List<String> peers = new ArrayList<>();

    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        for (String p : peers) {
            args.add("--peer");
            args.add(p);
        }
        args.addAll(rest);
        return io.parley.conformance.Main.run(args.toArray(new String[0]));
    }
}
