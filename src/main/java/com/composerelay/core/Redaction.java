package com.composerelay.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Takes a secret out of a text an upstream sent back (an error, a header, a URL), in the forms an
 * echo takes: as it is, and percent-encoded as in a URL. Whatever reaches a response, a log line or
 * an outcome from outside passes through here.
 */
public final class Redaction {
    public static final String MARK = "[redacted]";

    private Redaction() {}

    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        String out = text.replace(secret, MARK);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return encoded.equals(secret) ? out : out.replace(encoded, MARK);
    }
}
