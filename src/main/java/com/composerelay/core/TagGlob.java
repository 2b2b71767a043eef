package com.composerelay.core;

/**
 * A release channel's tag pattern: {@code *} stands for any run of characters (none included),
 * {@code ?} for exactly one; every other character stands for itself, case-sensitively. The
 * pattern is anchored: it must match the whole tag ({@code v*} matches {@code v1.2} and {@code v},
 * not {@code av1}). No character classes, no escapes: a tag cannot hold {@code *} or {@code ?}.
 */
public final class TagGlob {
    private TagGlob() {}

    /** Whether {@code glob} matches the whole of {@code text}; linear in practice (one backtrack point, the last {@code *}). */
    public static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
