package com.composerelay.webhook;

import java.util.List;

/**
 * GitHub's webhook signing, which many CI systems copy: {@code X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256(secret, raw body)>}. It carries no timestamp, so replays are answered by
 * the idempotency record instead.
 */
public final class HubSignature {
    private HubSignature() {}

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
