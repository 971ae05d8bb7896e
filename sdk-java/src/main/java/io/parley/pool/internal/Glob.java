package io.parley.pool.internal;

import java.util.regex.Pattern;

/** A method glob: {@code *} matches any run of characters (dots included), {@code ?} one. */
public final class Glob {
    private final String text;
    private final Pattern pattern;

    public Glob(String text) {
        this.text = text;
        StringBuilder re = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.pattern = Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    public boolean matches(String method) {
        return pattern.matcher(method).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
