package com.composerelay.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a relay token presented in {@code X-API-Key} for one CVM: its SHA-256 against every listed
 * hash in constant time (every entry is compared, whatever matched before), then its expiry, then
 * whether its holder revoked it ({@link TokenRevocations}: one read of the relay's table, never
 * cached), then the CVM against the token's list. Nothing about the token is ever echoed; what it
 * may do there ({@link TokenScope}) the caller checks on the {@link Verdict.Allowed} token.
 */
public final class TokenCheck {
    /** {@code crt_} and at least 43 characters of base64url: 32 random bytes. */
    private static final Pattern FORMAT = Pattern.compile("crt_[A-Za-z0-9_-]{43,200}");

    /** What the check found. */
    public sealed interface Verdict {
        /** No token, a malformed one, or one the list does not hold: 401. */
        record Unknown() implements Verdict {}

        /** A listed token past its {@code expires_at}: 401, naming the token. */
        record Expired(RelayToken token) implements Verdict {}

        /** A listed token its holder revoked ({@code DELETE /tokens/self}): 401, naming the token. */
        record Revoked(RelayToken token) implements Verdict {}

        /** A known token that does not name this CVM: 403. */
        record OutOfScope(String name) implements Verdict {}

        /** A known, live token that does not list the id the request names, and the CVM's other ids could not be read: 503. */
        record Unresolved(String name, String why) implements Verdict {}

        /** A known, live token for this CVM (or, from {@link #self}, for no CVM in particular). */
        record Allowed(RelayToken token) implements Verdict {
            public String name() {
                return token.name();
            }
        }
    }

    private final RelayTokens tokens;
    private final TokenRevocations revocations;
    private final Clock clock;
    private final CvmIdentities identities;

    public TokenCheck(RelayTokens tokens, TokenRevocations revocations, Clock clock) {
        this(tokens, revocations, clock, CvmIdentities.none());
    }

    /**
     * @param identities a CVM's other ids, read when a token does not list the id a request names: a
     *     client that switches API version (UUIDs, then {@code cvm_<hashid>}) keeps its access, and
     *     gains none
     */
    public TokenCheck(RelayTokens tokens, TokenRevocations revocations, Clock clock, CvmIdentities identities) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.clock = clock;
        this.identities = identities;
    }

    /**
     * @param cvmId the CVM the request is for, or null for a request about no CVM (only {@code *} tokens pass)
     * @throws StoreUnavailable the revocation records could not be read: the caller refuses (fails closed)
     */
    public Verdict check(String presented, String cvmId) throws RelayTokens.Unavailable, StoreUnavailable {
        Verdict verdict = self(presented);
        if (!(verdict instanceof Verdict.Allowed allowed)) {
            return verdict;
        }
        RelayToken found = allowed.token();
        if (cvmId == null) {
            return found.cvms().contains("*") ? verdict : new Verdict.OutOfScope(found.name());
        }
        return covers(found, cvmId);
    }

    /** Whether a live token covers {@code cvmId}: listed in any form, or by another id of that CVM. */
    public Verdict covers(RelayToken token, String cvmId) {
        if (token.allows(cvmId)) {
            return new Verdict.Allowed(token);
        }
        if (!token.listsAnotherFormThan(cvmId) || !RelayToken.isFixed(cvmId)) {
            // A CVM has one id of each form; and only a fixed id (a UUID, a cvm_ id) is worth reading:
            // a name may name another CVM tomorrow.
            return new Verdict.OutOfScope(token.name());
        }
        try {
            return token.covers(identities.of(cvmId)) ? new Verdict.Allowed(token) : new Verdict.OutOfScope(token.name());
        } catch (CvmIdentities.Unavailable e) {
            return new Verdict.Unresolved(token.name(), e.getMessage());
        }
    }

    /** The token itself, whatever CVMs it names: unknown, expired, revoked, or allowed (for {@code /tokens/self}). */
    public Verdict self(String presented) throws RelayTokens.Unavailable, StoreUnavailable {
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
        if (found.expired(clock.instant())) {
            return new Verdict.Expired(found);
        }
        if (revocations.revoked(found)) {
            return new Verdict.Revoked(found);
        }
        return new Verdict.Allowed(found);
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
