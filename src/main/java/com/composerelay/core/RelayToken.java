package com.composerelay.core;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One relay token as the tokens secret lists it: a name (the outcome's {@code actor}), the SHA-256
 * of the token (the token itself is never stored), the CVMs it may use ({@code *}: every one), when
 * it expires (null: never) and what it may do there ({@link TokenScope}; default {@code read} + {@code deploy}).
 */
public record RelayToken(String name, String sha256, List<String> cvms, Instant expiresAt, Set<TokenScope> scopes) {
    public RelayToken {
        cvms = List.copyOf(cvms);
        scopes = scopes.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(scopes));
    }

    /** An entry without {@code expires_at} or {@code scopes}: never expires, {@code read} + {@code deploy}. */
    public RelayToken(String name, String sha256, List<String> cvms) {
        this(name, sha256, cvms, null, TokenScope.DEFAULT);
    }

    public boolean allows(String cvmId) {
        return cvms.contains("*") || cvms.contains(cvmId);
    }

    /** True from {@code expires_at} on. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public boolean has(TokenScope scope) {
        return scopes.contains(scope);
    }
}
