package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Relay tokens revoked by their holders ({@code DELETE /api/v1/tokens/self}), as records in the
 * relay's table under {@link StoreKeys#TOKEN_REVOKED} and the token's SHA-256. Every use of a known
 * token reads its record (one consistent GetItem), with no cache: a revocation holds at once on every
 * function instance, and a cached "not revoked" would let a revoked token through for the cache's time.
 */
public final class TokenRevocations {
    /** How long the record of a token without {@code expires_at} is kept: ten years, i.e. for the token's life. */
    public static final int WITHOUT_EXPIRY_DAYS = 3650;

    private final Records records;
    private final Clock clock;

    public TokenRevocations(Records records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /** False without a table (nothing can be recorded, so nothing is ever revoked this way). */
    public boolean durable() {
        return records.durable();
    }

    public boolean revoked(RelayToken token) throws StoreUnavailable {
        return records.durable() && records.get(key(token)).isPresent();
    }

    /** Records {@code token} as revoked now; returns until when the record is kept. */
    public Instant revoke(RelayToken token) throws StoreUnavailable {
        Instant now = clock.instant();
        Instant until = token.expiresAt() != null ? token.expiresAt() : now.plus(Duration.ofDays(WITHOUT_EXPIRY_DAYS));
        // The record's value says who and when, for an operator reading the table; only its presence counts.
        records.put(key(token), "revoked " + now + " by token:" + token.name(), until);
        return until;
    }

    private static String key(RelayToken token) {
        return StoreKeys.TOKEN_REVOKED.of(token.sha256());
    }
}
