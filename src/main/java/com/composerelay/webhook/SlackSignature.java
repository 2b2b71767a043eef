package com.composerelay.webhook;

import com.composerelay.core.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Slack's request signing: {@code X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:" + timestamp
 * + ":" + raw body)>}, with {@code X-Slack-Request-Timestamp} within five minutes of now. Every
 * secret given is tried (the current and the previous one, during rotation).
 */
public final class SlackSignature {
    public static final Duration WINDOW = Duration.ofMinutes(5);

    private SlackSignature() {}

    public static Verdict verify(String timestamp, String signature, byte[] rawBody, List<String> secrets, Instant now) {
        if (timestamp == null || signature == null || !signature.startsWith("v0=")) {
            return Verdict.MISSING_HEADERS;
        }
        if (!Timestamps.within(timestamp, now, WINDOW)) {
            return Verdict.STALE_TIMESTAMP;
        }
        byte[] base = Hmac.concat("v0:" + timestamp + ":", rawBody);
        boolean match = false;
        for (String secret : secrets) {
            // No early exit: each secret costs the same whether or not an earlier one matched.
            match |= Hmac.same("v0=" + Hmac.sha256Hex(secret, base), signature);
        }
        return match ? Verdict.VALID : Verdict.BAD_SIGNATURE;
    }

    /** The header value Slack would send: for tests and the sample events. */
    public static String sign(String secret, String timestamp, byte[] rawBody) {
        return "v0=" + Hmac.sha256Hex(secret, Hmac.concat("v0:" + timestamp + ":", rawBody));
    }
}
