package com.composerelay.trigger;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The caller's headers the Phala-compatible API forwards ({@code X-Phala-Version}) or keys a request
 * by ({@code Idempotency-Key}), checked before anything else: a value with CR/LF or characters
 * outside Latin-1 would otherwise make Java's HTTP client throw while forwarding (a 500, and on the
 * commit routes an idempotency claim left in progress). Strict patterns, so that what passes is
 * also what Phala documents: a version is a date ({@code YYYY-MM-DD}, Phala's form: 2025-10-28,
 * 2026-01-21, 2026-05-22, 2026-06-23, and later ones without a relay release); a key is the IAM
 * routes' (1 to 255 printable ASCII characters without spaces).
 */
final class CallerHeaders {
    static final String VERSION = "X-Phala-Version";
    private static final Pattern VERSION_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    private CallerHeaders() {}

    /** What is wrong with the request's headers, as {@code {"detail": …}} names it; empty when nothing is. */
    static Optional<String> problem(HttpRequestEvent request) {
        String version = request.header(VERSION);
        if (version != null && !VERSION_DATE.matcher(version).matches()) {
            return Optional.of(VERSION + ": must be an API version date, YYYY-MM-DD (e.g. 2026-05-22)");
        }
        String key = request.header(IamRequest.IDEMPOTENCY_HEADER);
        if (key != null && (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e))) {
            return Optional.of(IamRequest.IDEMPOTENCY_HEADER + ": must be 1 to 255 printable ASCII characters without spaces");
        }
        return Optional.empty();
    }
}
