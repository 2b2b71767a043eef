package com.composerelay.webhook;

import com.composerelay.core.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * GitHub's webhook signing, which many CI systems copy: {@code X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256(secret, raw body)>}. The scheme signs no header, so the relay's CI hook
 * asks for the time of sending inside the signed body, and checks it here against {@link #WINDOW}.
 */
public final class HubSignature {
    /** How far a signed body's timestamp may be from the relay's clock: Slack's and Phala's window. */
    public static final Duration WINDOW = Duration.ofSeconds(300);

    private HubSignature() {}

    /** Whether a signed body's timestamp (unix seconds) is within {@link #WINDOW} of {@code now}. */
    public static boolean fresh(long unixSeconds, Instant now) {
        return Timestamps.within(unixSeconds, now, WINDOW);
    }

    public static Verdict verify(String signature, byte[] rawBody, List<String> secrets) {
        if (signature == null || !signature.startsWith("sha256=")) {
            return Verdict.MISSING_HEADERS;
        }
        boolean match = false;
        for (String secret : secrets) {
            match |= Hmac.same("sha256=" + Hmac.sha256Hex(secret, rawBody), signature);
        }
        return match ? Verdict.VALID : Verdict.BAD_SIGNATURE;
    }

    public static String sign(String secret, byte[] rawBody) {
        return "sha256=" + Hmac.sha256Hex(secret, rawBody);
    }
}
