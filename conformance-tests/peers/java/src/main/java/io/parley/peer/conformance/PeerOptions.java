package io.parley.peer.conformance;

import io.parley.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The peer program's command line (PEER-CONTRACT.md):
 *
 * <pre>
 * serve --transport stdio|shm|unix|tcp [--listen &lt;path&gt;|&lt;host&gt;:&lt;port&gt;]
 * drive --transport stdio|shm --server "&lt;command line&gt;" | --transport unix|tcp --connect &lt;address&gt;
 *       --report &lt;file&gt; [--cases id,id,...]
 * common: [--token t] [--max-frame n] [--max-message n] [--max-in-flight n] [--heartbeat-ms n]
 * </pre>
 */
public record PeerOptions(String role, String transport, Map<String, String> values) {
    private static final Set<String> KNOWN = Set.of("transport", "listen", "connect", "server", "report", "cases", "token",
            "max-frame", "max-message", "max-in-flight", "heartbeat-ms", "frame-stall-ms");

    public static final String USAGE = """
            usage: ConformancePeer serve --transport stdio|shm|unix|tcp [--listen <path>|<host>:<port>]
                   ConformancePeer drive --transport stdio|shm --server "<command line>" --report <file> [--cases id,...]
                   ConformancePeer drive --transport unix|tcp --connect <path>|<host>:<port> --report <file> [--cases id,...]
              common: [--token t] [--max-frame n] [--max-message n] [--max-in-flight n] [--heartbeat-ms n]""";

    /** The command line was wrong: the program prints the message and the usage, and exits 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public static PeerOptions parse(String[] args) throws UsageException {
        Map<String, String> values = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("option --" + name + " needs a value");
            }
            if (!KNOWN.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            values.put(name, value);
        }
        if (positional.size() != 1) {
            throw new UsageException(positional.isEmpty() ? "missing role (serve or drive)" : "unexpected arguments " + positional);
        }
        String transport = values.getOrDefault("transport", "stdio");
        if (!List.of("stdio", "unix", "tcp", "shm").contains(transport)) {
            throw new UsageException("unknown transport '" + transport + "' (stdio, unix, tcp or shm)");
        }
        PeerOptions o = new PeerOptions(positional.get(0), transport, values);
        o.validateNumbers();
        return o;
    }

    private void validateNumbers() throws UsageException {
        for (String n : List.of("max-frame", "max-message", "max-in-flight", "heartbeat-ms", "frame-stall-ms")) {
            String v = values.get(n);
            if (v != null) {
                try {
                    Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new UsageException("--" + n + " needs an integer, got '" + v + "'");
                }
            }
        }
    }

    public String get(String name) {
        return values.get(name);
    }

    public String require(String name) throws UsageException {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new UsageException("missing --" + name + " (needed for " + role + " over " + transport + ")");
        }
        return v;
    }

    /** {@code --cases} in the order given, without repeats; empty when absent (= all cases). */
    public List<String> cases() {
        String v = values.get("cases");
        Set<String> ids = new LinkedHashSet<>();
        if (v != null) {
            for (String id : v.split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.trim());
                }
            }
        }
        return List.copyOf(ids);
    }

    /** Applies the common session options (token, limits, heartbeat). */
    public Session.Builder applyTo(Session.Builder b) {
        if (values.containsKey("token")) {
            b.token(values.get("token"));
        }
        if (values.containsKey("max-frame")) {
            b.maxFrame(Integer.parseInt(values.get("max-frame")));
        }
        if (values.containsKey("max-message")) {
            b.maxMessage(Long.parseLong(values.get("max-message")));
        }
        if (values.containsKey("max-in-flight")) {
            b.maxInFlight(Integer.parseInt(values.get("max-in-flight")));
        }
        if (values.containsKey("heartbeat-ms")) {
            b.heartbeat(Duration.ofMillis(Long.parseLong(values.get("heartbeat-ms"))));
        }
        if (values.containsKey("frame-stall-ms")) { // SPEC 1.1 §3.5: S-141, S-142
            b.frameStallTimeout(Duration.ofMillis(Long.parseLong(values.get("frame-stall-ms"))));
        }
        return b;
    }
}
