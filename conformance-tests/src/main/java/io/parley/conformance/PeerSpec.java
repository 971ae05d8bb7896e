package io.parley.conformance;

import io.parley.conformance.transport.CommandLine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An implementation under test: a name ({@code java}, {@code php}, …) and the command that starts
 * its peer program (PEER-CONTRACT.md). {@code missing} is non-null when the program does not
 * exist yet; {@code rolesMissing} holds roles ({@code serve}, {@code drive}) the program says it
 * does not implement yet. Such cells are reported as missing, with the reason, instead of run.
 */
public record PeerSpec(String name, List<String> command, String missing, Map<String, String> rolesMissing) {

    public PeerSpec {
        command = List.copyOf(command);
        rolesMissing = Map.copyOf(rolesMissing);
    }

    public PeerSpec(String name, List<String> command, String missing) {
        this(name, command, missing, Map.of());
    }

    public static PeerSpec parse(String nameEqualsCommand) {
        int eq = nameEqualsCommand.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--peer expects name=<command>, got: " + nameEqualsCommand);
        return new PeerSpec(nameEqualsCommand.substring(0, eq), CommandLine.split(nameEqualsCommand.substring(eq + 1)), null);
    }

    public boolean present() {
        return missing == null;
    }

    /** Null when the program exists and implements {@code role}, else why not. */
    public String missing(String role) {
        if (missing != null) return missing;
        String r = rolesMissing.get(role);
        return r == null ? null : "role '" + role + "' not implemented yet: " + r;
    }

    public PeerSpec withRoleMissing(String role, String reason) {
        Map<String, String> m = new HashMap<>(rolesMissing);
        m.put(role, reason);
        return new PeerSpec(name, command, missing, m);
    }

    public String commandLine() {
        return CommandLine.join(command);
    }
}
