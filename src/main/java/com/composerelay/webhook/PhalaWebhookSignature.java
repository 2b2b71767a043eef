package com.composerelay.webhook;

import com.composerelay.core.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Phala's webhook signing: {@code X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp +
 * "." + raw body)>} with {@code X-Webhook-Timestamp} (unix seconds) within 300 s of now.
 */
public final class PhalaWebhookSignature {
    public static final Duration WINDOW = Duration.ofSeconds(300);

    private PhalaWebhookSignature() {}

    public static Verdict verify(String timestamp, String signature, byte[] rawBody, List<String> secrets, Instant now) {
        if (timestamp == null || signature == null || !signature.startsWith("sha256=")) {
            return Verdict.MISSING_HEADERS;
        }
        if (!Timestamps.within(timestamp, now, WINDOW)) {
            return Verdict.STALE_TIMESTAMP;
        }
        byte[] base = Hmac.concat(timestamp + ".", rawBody);
        boolean match = false;
        for (String secret : secrets) {
            match |= Hmac.same("sha256=" + Hmac.sha256Hex(secret, base), signature);
        }
        return match ? Verdict.VALID : Verdict.BAD_SIGNATURE;
    }

    public static String sign(String secret, String timestamp, byte[] rawBody) {
        return "sha256=" + Hmac.sha256Hex(secret, Hmac.concat(timestamp + ".", rawBody));
    }
}
