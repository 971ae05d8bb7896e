package io.parley.conformance.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One JUnit XML file per column (implementation or pairing × transport), for CI dashboards. */
public final class JUnitXml {
    private JUnitXml() {}

    public static void write(Path dir, List<Result> results) throws IOException {
        Files.createDirectories(dir);
        Map<String, List<Result>> cols = new LinkedHashMap<>();
        for (Result r : results) cols.computeIfAbsent(r.layer() + "." + r.column() + "." + r.transport(), k -> new java.util.ArrayList<>()).add(r);
        for (Map.Entry<String, List<Result>> e : cols.entrySet()) {
            String suite = "parley.conformance." + e.getKey().replace("→", "-to-");
            List<Result> rs = e.getValue();
            long failures = rs.stream().filter(Result::red).count();
            long skipped = rs.stream().filter(r -> r.status() != Status.PASS && r.status() != Status.FAIL).count();
            double secs = rs.stream().mapToLong(Result::ms).sum() / 1000.0;
            StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            b.append("<testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(rs.size()).append("\" failures=\"").append(failures)
                    .append("\" errors=\"0\" skipped=\"").append(skipped).append("\" time=\"").append(secs).append("\">\n");
            for (Result r : rs) {
                b.append("  <testcase classname=\"").append(esc(suite)).append("\" name=\"").append(esc(r.caseId() + " " + r.title() + " (§" + r.section() + ")"))
                        .append("\" time=\"").append(r.ms() / 1000.0).append("\"");
                switch (r.status()) {
                    case PASS -> b.append("/>\n");
                    case FAIL -> b.append(">\n    <failure message=\"").append(esc(firstLine(r.detail()))).append("\">").append(esc(r.detail())).append("</failure>\n  </testcase>\n");
                    default -> b.append(">\n    <skipped message=\"").append(esc(r.status().label + ": " + firstLine(r.detail()))).append("\"/>\n  </testcase>\n");
                }
            }
            b.append("</testsuite>\n");
            Files.writeString(dir.resolve("TEST-" + suite.replaceAll("[^A-Za-z0-9._-]", "_") + ".xml"), b.toString());
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') b.append("\\u").append(String.format("%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
