package io.parley.conformance;

import io.parley.conformance.transport.CommandLine;

import java.util.List;

/**
 * An implementation under test: a name ({@code java}, {@code php}, …) and the command that starts
 * its peer program (PEER-CONTRACT.md). {@code missing} is non-null when the program does not
 * exist yet: all its cells are then reported as missing, with that reason, instead of run.
 */
public record PeerSpec(String name, List<String> command, String missing) {

    public PeerSpec {
        command = List.copyOf(command);
    }

    public static PeerSpec parse(String nameEqualsCommand) {
        int eq = nameEqualsCommand.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--peer expects name=<command>, got: " + nameEqualsCommand);
        return new PeerSpec(nameEqualsCommand.substring(0, eq), CommandLine.split(nameEqualsCommand.substring(eq + 1)), null);
    }

    public boolean present() {
        return missing == null;
    }

    public String commandLine() {
        return CommandLine.join(command);
    }
}
