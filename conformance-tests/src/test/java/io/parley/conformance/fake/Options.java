package io.parley.conformance.fake;

import java.util.HashSet;
import java.util.Set;

/** Command-line options of the fake peer (the PEER-CONTRACT ones, plus --bug). */
final class Options {
    String role;
    String transport = "stdio";
    String listen, connect, server, report, cases, token;
    long maxFrame = 1 << 20;
    long maxMessage = 128L << 20;
    int maxInFlight = 1024;
    long heartbeatMs = 0;
    long frameStallMs = 30_000; // SPEC 1.1 §3.5 default
    final Set<String> bugs = new HashSet<>();

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                o.role = args[i];
                i--;
                continue;
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--transport" -> o.transport = v;
                case "--listen" -> o.listen = v;
                case "--connect" -> o.connect = v;
                case "--server" -> o.server = v;
                case "--report" -> o.report = v;
                case "--cases" -> o.cases = v;
                case "--token" -> o.token = v;
                case "--max-frame" -> o.maxFrame = Long.parseLong(v);
                case "--max-message" -> o.maxMessage = Long.parseLong(v);
                case "--max-in-flight" -> o.maxInFlight = Integer.parseInt(v);
                case "--heartbeat-ms" -> o.heartbeatMs = Long.parseLong(v);
                case "--frame-stall-ms" -> o.frameStallMs = Long.parseLong(v);
                case "--bug" -> o.bugs.addAll(Set.of(v.split(",")));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return o;
    }

    Options copy() {
        Options o = new Options();
        o.role = role;
        o.transport = transport;
        o.token = token;
        o.maxFrame = maxFrame;
        o.maxMessage = maxMessage;
        o.maxInFlight = maxInFlight;
        o.heartbeatMs = heartbeatMs;
        o.frameStallMs = frameStallMs;
        o.bugs.addAll(bugs);
        return o;
    }
}
