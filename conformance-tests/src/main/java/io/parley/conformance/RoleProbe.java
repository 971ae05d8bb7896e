package io.parley.conformance;

import io.parley.conformance.transport.PeerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Asks a peer program whether it implements each role (PEER-CONTRACT: a role that is not
 * implemented yet makes the program exit non-zero at once with "not implemented" on stderr).
 * Anything else counts as implemented, and is then tested for real.
 */
final class RoleProbe {
    private RoleProbe() {}

    static PeerSpec probe(PeerSpec p, Path dir) {
        if (!p.present()) return p;
        PeerSpec out = p;
        String serve = notImplemented(p, List.of("serve", "--transport", "stdio"), dir);
        if (serve != null) out = out.withRoleMissing("serve", serve);
        Path report = dir.resolve("probe-" + p.name() + ".json");
        String drive = notImplemented(p, List.of("drive", "--transport", "tcp", "--connect", "127.0.0.1:9", "--report", report.toString(), "--cases", "P-001"), dir);
        if (drive != null) out = out.withRoleMissing("drive", drive);
        try {
            Files.deleteIfExists(report);
        } catch (IOException ignored) {
            // temp dir
        }
        return out;
    }

    /** Runs the role with stdin closed; returns the "not implemented" message, or null. */
    private static String notImplemented(PeerSpec p, List<String> args, Path dir) {
        List<String> argv = new ArrayList<>(p.command());
        argv.addAll(args);
        try (PeerProcess proc = PeerProcess.start("probe " + p.name(), argv, false, dir)) {
            proc.process().getOutputStream().close();
            Integer st = proc.waitExit(Duration.ofSeconds(8));
            if (st == null || st == 0) return null;
            proc.awaitDrained(Duration.ofSeconds(2)); // every stderr line, not a race with the drain thread
            String err = proc.stderrTail();
            if (err.toLowerCase(Locale.ROOT).contains("not implemented")) {
                String line = err.lines().filter(l -> l.toLowerCase(Locale.ROOT).contains("not implemented")).findFirst().orElse(err);
                return line.trim() + " (exit status " + st + ")";
            }
            return null;
        } catch (IOException e) {
            return null; // the real run reports it
        }
    }
}
