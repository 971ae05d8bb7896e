package io.parley.conformance.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * POSIX-shell-like splitting and quoting of command lines, without a shell: whitespace separates
 * words, single quotes keep everything literal, double quotes group (backslash escapes {@code " \ $ `}),
 * a backslash outside quotes escapes the next character. PEER-CONTRACT's {@code --server} uses it.
 */
public final class CommandLine {
    private CommandLine() {}

    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                int j = s.indexOf('\'', i + 1);
                if (j < 0) throw new IllegalArgumentException("unclosed ' in: " + s);
                cur.append(s, i + 1, j);
                i = j;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < s.length() && s.charAt(j) != '"'; j++) {
                    char d = s.charAt(j);
                    if (d == '\\' && j + 1 < s.length() && "\"\\$`".indexOf(s.charAt(j + 1)) >= 0) {
                        cur.append(s.charAt(++j));
                    } else {
                        cur.append(d);
                    }
                }
                if (j >= s.length()) throw new IllegalArgumentException("unclosed \" in: " + s);
                i = j;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(cur.toString());
        return out;
    }

    public static String quote(String w) {
        if (!w.isEmpty() && w.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=,+@%".indexOf(c) >= 0)) return w;
        return "'" + w.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String w : argv) {
            if (b.length() > 0) b.append(' ');
            b.append(quote(w));
        }
        return b.toString();
    }

    /** The command line for messages: long words (classpaths) are shortened in the middle. */
    public static String abbreviate(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String w : argv) {
            if (b.length() > 0) b.append(' ');
            b.append(w.length() > 120 ? w.substring(0, 50) + "…(" + w.length() + " chars)…" + w.substring(w.length() - 50) : w);
        }
        return b.toString();
    }
}
