package com.composerelay.codec;

/**
 * How chat and email text quote a value that came from outside (a cvm_id, a compose hash, an error,
 * what a user typed): on one line, and, for Slack's mrkdwn, inert.
 */
public final class Quoted {
    /** Looks like a backtick but does not close a code span. */
    static final char BACKTICK_STANDIN = 'ˋ';

    private Quoted() {}

    /**
     * The value on one line: every control character and line or paragraph separator becomes a
     * visible escape ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}), so no value adds a line.
     */
    public static String oneLine(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String escape = lineEscape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? value : out.toString();
    }

    /** The value for Slack mrkdwn text: one line, with {@code & < >} escaped so it can neither mention nor link. */
    public static String mrkdwn(String value) {
        if (value == null) {
            return null;
        }
        String line = oneLine(value);
        StringBuilder out = new StringBuilder(line.length() + 8);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The value as a Slack code span: {@link #mrkdwn}, and a backtick in it cannot close the span. */
    public static String code(String value) {
        return "`" + mrkdwn(value).replace('`', BACKTICK_STANDIN) + "`";
    }

    private static String lineEscape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }

    /** Caller text fit to quote in a message: control characters as {@code ?}, at most {@code limit} code points. */
    public static String clip(String text, int limit) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(limit).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.length() > limit ? out + "..." : out.toString();
    }
}
