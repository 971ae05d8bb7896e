package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON report of {@code drive} (PEER-CONTRACT "Driver report"). Rewritten after every case
 * (through a temporary file and a rename), so a driver killed by the runner still leaves the
 * cases it finished.
 */
final class DriverReport {
    private final Path file;
    private final String transport;
    private final List<CaseResult> results = new ArrayList<>();
    private String server = "unknown";

    DriverReport(Path file, String transport) {
        this.file = file;
        this.transport = transport;
    }

    /** Names the serving implementation after its HELLO's peer name ("parley-php/…" → "php"). */
    void serverName(String helloName) {
        String n = helloName.toLowerCase(java.util.Locale.ROOT);
        server = n.contains("php") ? "php" : n.contains("java") ? "java" : helloName;
    }

    boolean serverKnown() {
        return !server.equals("unknown");
    }

    void add(CaseResult r) throws IOException {
        results.add(r);
        write();
    }

    List<CaseResult> results() {
        return List.copyOf(results);
    }

    void write() throws IOException {
        ObjectNode root = JsonValues.MAPPER.createObjectNode();
        root.put("impl", "java");
        root.put("transport", transport);
        root.put("server", server);
        ArrayNode cases = root.putArray("cases");
        for (CaseResult r : results) {
            cases.addObject().put("id", r.id()).put("title", r.title()).put("section", r.section()).put("status", r.status())
                    .put("detail", r.detail()).put("ms", r.ms());
        }
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        JsonValues.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
