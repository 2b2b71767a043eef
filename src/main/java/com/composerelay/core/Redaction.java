package com.composerelay.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a secret out of a text an upstream sent back (an error, a header, a URL, a body passed
 * through), in every form a client would decode back to it: as it is; with any of its characters
 * written as a JSON string escape ({@code \u0070}, {@code \/}, either case of hex) or percent-encoded
 * ({@code %70}, {@code %2d}/{@code %2D}, the {@code %} itself possibly JSON-escaped), mixed freely;
 * in base64 (standard and URL-safe, at each of the three alignments a key takes inside a longer
 * encoded value, its first and last characters matched by the bits the key fixes in them); and in
 * hex. And a text that ends in the first {@link #MIN_CUT_PREFIX} or more characters of the key, in
 * any of those forms (a body cut at its bound, {@code BoundedBody.LIMIT}), loses that tail.
 * Whatever reaches a response, a log line or an outcome from outside passes through here.
 */
public final class Redaction {
    public static final String MARK = "[redacted]";

    /**
     * The shortest prefix of the key taken out at the very end of a text. Eight: a key is random
     * (Phala's {@code phak_…} keys carry 30 or more random characters after a public prefix of five),
     * so seven characters or fewer, of which at most two random, tell nothing of use about it; and a
     * text that happens to end in eight of the key's characters by chance is vanishingly rare, so
     * the rule does not eat an honest answer's last characters (a shorter prefix, such as {@code p}
     * or {@code ph}, would).
     */
    public static final int MIN_CUT_PREFIX = 8;

    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** The forms of one secret, compiled once (the relay holds one key at a time). */
    private record Forms(String secret, Pattern whole, Pattern cut, int window) {}

    private static volatile Forms last;

    private Redaction() {}

    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        Forms forms = formsOf(secret);
        String out = forms.whole().matcher(text).replaceAll(Matcher.quoteReplacement(MARK));
        if (forms.cut() != null) {
            Matcher tail = forms.cut().matcher(out);
            tail.region(Math.max(0, out.length() - forms.window()), out.length());
            if (tail.find()) {
                out = out.substring(0, tail.start()) + MARK;
            }
        }
        return out;
    }

    private static Forms formsOf(String secret) {
        Forms forms = last;
        if (forms != null && forms.secret().equals(secret)) {
            return forms;
        }
        List<List<String>> units = new ArrayList<>();
        List<Integer> mandatory = new ArrayList<>();
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        // The characters, each as it is, JSON-escaped or percent-encoded; a cut may end inside one escape.
        List<String> chars = secret.codePoints().mapToObj(Redaction::character).toList();
        units.add(chars);
        mandatory.add(MIN_CUT_PREFIX);
        for (int offset = 0; offset < 3; offset++) {
            List<String> b64 = base64(bytes, offset);
            units.add(b64);
            mandatory.add((MIN_CUT_PREFIX * 8 + 5) / 6 + 1);
        }
        List<String> hex = new ArrayList<>();
        for (byte b : bytes) {
            hex.add(hexDigit((b >> 4) & 0xf));
            hex.add(hexDigit(b & 0xf));
        }
        units.add(hex);
        mandatory.add(2 * MIN_CUT_PREFIX);

        List<String> whole = units.stream().map(u -> String.join("", u)).toList();
        List<String> cuts = new ArrayList<>();
        boolean longEnough = secret.codePointCount(0, secret.length()) > MIN_CUT_PREFIX;
        for (int i = 0; longEnough && i < units.size(); i++) {
            if (units.get(i).size() > mandatory.get(i)) {
                cuts.add(prefix(units.get(i), mandatory.get(i)) + (i == 0 ? PARTIAL_ESCAPE : ""));
            }
        }
        forms = new Forms(secret, Pattern.compile(String.join("|", whole)),
                cuts.isEmpty() ? null : Pattern.compile("(?:" + String.join("|", cuts) + ")\\z"),
                32 * secret.length() + 16);
        last = forms;
        return forms;
    }

    /** The start of an escape a cut broke off: a backslash, {@code \}u and up to three hex digits, a {@code %} and one. */
    private static final String PARTIAL_ESCAPE = "(?:\\\\(?:u(?:0(?:0(?:2)?)?|[0-9a-fA-F]{0,3}))?|%[0-9a-fA-F]?)?";

    /** The first {@code mandatory} units, then as many more as follow, in order. */
    private static String prefix(List<String> units, int mandatory) {
        StringBuilder head = new StringBuilder(String.join("", units.subList(0, mandatory)));
        StringBuilder rest = new StringBuilder();
        for (int i = units.size() - 1; i >= mandatory; i--) {
            rest.insert(0, "(?:" + units.get(i)).append(")?");
        }
        return head.append(rest).toString();
    }

    /** One character of the secret as a client may read it: as it is, JSON-escaped, or percent-encoded. */
    private static String character(int codePoint) {
        List<String> forms = new ArrayList<>();
        forms.add(literal(codePoint));
        StringBuilder json = new StringBuilder();
        for (char unit : Character.toChars(codePoint)) {
            json.append("\\\\u").append(hex4(unit));
        }
        forms.add(json.toString());
        String shortEscape = switch (codePoint) {
            case '"' -> "\\\\\"";
            case '\\' -> "\\\\\\\\";
            case '/' -> "\\\\/";
            case '\b' -> "\\\\b";
            case '\f' -> "\\\\f";
            case '\n' -> "\\\\n";
            case '\r' -> "\\\\r";
            case '\t' -> "\\\\t";
            default -> null;
        };
        if (shortEscape != null) {
            forms.add(shortEscape);
        }
        StringBuilder percent = new StringBuilder();
        for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
            percent.append("(?:%|\\\\u0025)").append(hexDigit((b >> 4) & 0xf)).append(hexDigit(b & 0xf));
        }
        forms.add(percent.toString());
        return "(?:" + String.join("|", forms) + ")";
    }

    /**
     * The secret's bytes in base64 after {@code offset} bytes of anything: each character that holds
     * some of the secret's bits, as the class of the characters (either alphabet) those bits allow.
     */
    private static List<String> base64(byte[] bytes, int offset) {
        long first = 8L * offset;
        long end = first + 8L * bytes.length;
        List<String> units = new ArrayList<>();
        for (long c = first / 6; c * 6 < end; c++) {
            int mask = 0;
            int value = 0;
            for (int j = 0; j < 6; j++) {
                long bit = c * 6 + j;
                mask <<= 1;
                value <<= 1;
                if (bit >= first && bit < end) {
                    int index = (int) ((bit - first) / 8);
                    int shift = 7 - (int) ((bit - first) % 8);
                    mask |= 1;
                    value |= (bytes[index] >> shift) & 1;
                }
            }
            StringBuilder set = new StringBuilder();
            boolean slash = false;
            int count = 0;
            for (int v = 0; v < 64; v++) {
                if ((v & mask) == value) {
                    count++;
                    set.append(v == 62 ? "+\\-" : v == 63 ? "/_" : String.valueOf(BASE64.charAt(v)));
                    slash |= v == 63;
                }
            }
            String unit = count == 1 && value < 62 ? String.valueOf(BASE64.charAt(value)) : "[" + set + "]";
            units.add(slash ? "(?:" + unit + "|\\\\/)" : unit); // JSON may write / as \/
        }
        return units;
    }

    private static String literal(int codePoint) {
        return "\\x{" + Integer.toHexString(codePoint) + "}";
    }

    private static String hex4(char unit) {
        StringBuilder out = new StringBuilder();
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.append(hexDigit((unit >> shift) & 0xf));
        }
        return out.toString();
    }

    private static String hexDigit(int nibble) {
        if (nibble < 10) {
            return String.valueOf((char) ('0' + nibble));
        }
        char lower = (char) ('a' + nibble - 10);
        return "[" + lower + Character.toUpperCase(lower) + "]";
    }
}
