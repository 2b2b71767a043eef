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

    /** Whether the token lists {@code cvmId} (in any of its forms, {@link #canonical}), or {@code *}. */
    public boolean allows(String cvmId) {
        return cvms.contains("*") || cvms.contains(cvmId) || covers(Set.of(cvmId));
    }

    /** Whether the token lists one of {@code ids} (one CVM's ids: its cvm_ id, vm_uuid, app_id), in any form. */
    public boolean covers(java.util.Collection<String> ids) {
        if (cvms.contains("*")) {
            return true;
        }
        Set<String> listed = new java.util.HashSet<>();
        cvms.forEach(c -> listed.add(canonical(c)));
        return ids.stream().filter(java.util.Objects::nonNull).map(RelayToken::canonical).anyMatch(listed::contains);
    }

    /**
     * Whether the token lists an id of another form than {@code cvmId}'s (a UUID, an app id, or any
     * other id): only then may another id of that CVM be on the list, and is it worth reading them.
     */
    public boolean listsAnotherFormThan(String cvmId) {
        String form = form(canonical(cvmId));
        return cvms.stream().anyMatch(c -> !c.equals("*") && !form(canonical(c)).equals(form));
    }

    private static final java.util.regex.Pattern HASHID = java.util.regex.Pattern.compile("cvm_[A-Za-z0-9]{1,64}");

    /**
     * Whether {@code cvmId} names one CVM for good: a UUID or a {@code cvm_<hashid>}. A name, an
     * {@code instance_…} or an app id may come to name another CVM (a name reused, a replica
     * replaced), so a CVM's other ids are never looked up for them.
     */
    public static boolean isFixed(String cvmId) {
        return UUID.matcher(cvmId).matches() || HASHID.matcher(cvmId).matches();
    }

    private static String form(String canonical) {
        return canonical.substring(0, canonical.indexOf(':'));
    }

    private static final java.util.regex.Pattern UUID =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final java.util.regex.Pattern APP = java.util.regex.Pattern.compile("(app_)?[0-9a-fA-F]{40}");

    /**
     * One id in the form ids are compared in: a UUID with or without dashes, in either case, is one
     * id ({@code uuid:} and 32 lowercase hex); an app id with or without {@code app_} ({@code app:}
     * and its lowercase hex); any other id ({@code cvm_<hashid>}, a name) exactly as written.
     */
    public static String canonical(String id) {
        if (UUID.matcher(id).matches()) {
            return "uuid:" + id.replace("-", "").toLowerCase(java.util.Locale.ROOT);
        }
        if (APP.matcher(id).matches()) {
            return "app:" + (id.startsWith("app_") ? id.substring(4) : id).toLowerCase(java.util.Locale.ROOT);
        }
        return "id:" + id;
    }

    /** True from {@code expires_at} on. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public boolean has(TokenScope scope) {
        return scopes.contains(scope);
    }
}
