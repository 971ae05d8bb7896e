package io.parley.conformance.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which SPEC sections contain a MUST (or MUST NOT / REQUIRED / SHALL), and which cases cite them.
 * "Done when every spec section with a MUST has at least one case."
 */
public final class Coverage {
    private Coverage() {}

    public record Section(String number, String title, boolean must) {}

    private static final Pattern HEADING = Pattern.compile("^(#{2,3}) (\\d+(?:\\.\\d+)?)\\.? (.*)$");
    private static final Pattern KEYWORD = Pattern.compile("\\b(MUST|REQUIRED|SHALL)\\b");

    public static List<Section> sections(Path spec) throws IOException {
        List<Section> out = new ArrayList<>();
        String num = null, title = null;
        boolean must = false;
        for (String line : Files.readAllLines(spec)) {
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                if (num != null) out.add(new Section(num, title, must));
                num = h.group(2);
                title = h.group(3).trim();
                must = false;
                continue;
            }
            if (line.startsWith("## Appendix")) {
                if (num != null) out.add(new Section(num, title, must));
                num = null;
                continue;
            }
            // the terminology paragraph defines the keywords; it does not use them
            if (num != null && KEYWORD.matcher(line).find() && !line.contains("RFC 2119")) must = true;
        }
        if (num != null) out.add(new Section(num, title, must));
        return out;
    }

    /** Splits a case's "6.2, 10.1" into its sections. */
    public static List<String> cited(String section) {
        List<String> l = new ArrayList<>();
        for (String s : section.split(",")) {
            String x = s.trim().replace("§", "");
            if (!x.isEmpty()) l.add(x);
        }
        return l;
    }

    /** section number → ids of cases citing it (only sections that exist in the spec). */
    public static Map<String, TreeSet<String>> map(List<Section> sections, Map<String, String> caseSections) {
        Map<String, TreeSet<String>> m = new LinkedHashMap<>();
        for (Section s : sections) m.put(s.number(), new TreeSet<>());
        caseSections.forEach((id, sec) -> {
            for (String c : cited(sec)) if (m.containsKey(c)) m.get(c).add(id);
        });
        return m;
    }
}
