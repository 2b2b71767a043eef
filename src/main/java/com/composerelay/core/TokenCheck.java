package com.composerelay.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a relay token presented in {@code X-API-Key} for one CVM: its SHA-256 against every listed
 * hash in constant time (every entry is compared, whatever matched before), then the CVM against
 * the token's list. Nothing about the token is ever echoed.
 */
public final class TokenCheck {
    /** {@code crt_} and at least 43 characters of base64url: 32 random bytes. */
    private static final Pattern FORMAT = Pattern.compile("crt_[A-Za-z0-9_-]{43,200}");

    /** What the check found. */
    public sealed interface Verdict {
        /** No token, a malformed one, or one the list does not hold: 401. */
        record Unknown() implements Verdict {}

        /** A known token that does not name this CVM: 403. */
        record OutOfScope(String name) implements Verdict {}

        /** A known token for this CVM. */
        record Allowed(String name) implements Verdict {}
    }

    private final RelayTokens tokens;

    public TokenCheck(RelayTokens tokens) {
        this.tokens = tokens;
    }

    /** @param cvmId the CVM the request is for, or null for a request about no CVM (only {@code *} tokens pass) */
    public Verdict check(String presented, String cvmId) throws RelayTokens.Unavailable {
        byte[] hash = Fingerprint.sha256((presented == null ? "" : presented).getBytes(StandardCharsets.UTF_8));
        boolean wellFormed = presented != null && FORMAT.matcher(presented).matches();
        RelayToken found = find(hash, tokens.current());
        if (found == null && wellFormed) {
            // A token issued since the list was read works within a minute.
            found = find(hash, tokens.rereadIfOld());
        }
        if (found == null || !wellFormed) {
            return new Verdict.Unknown();
        }
        return cvmId != null && found.allows(cvmId) || cvmId == null && found.cvms().contains("*")
                ? new Verdict.Allowed(found.name())
                : new Verdict.OutOfScope(found.name());
    }

    /** The entry whose hash equals {@code hash}, comparing with every entry in constant time. */
    private static RelayToken find(byte[] hash, List<RelayToken> list) {
        RelayToken found = null;
        for (RelayToken token : list) {
            byte[] listed;
            try {
                listed = HexFormat.of().parseHex(token.sha256());
            } catch (IllegalArgumentException e) {
                listed = new byte[32];
            }
            if (MessageDigest.isEqual(hash, listed) & found == null) {
                found = token;
            }
        }
        return found;
    }
}
