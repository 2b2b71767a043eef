package com.composerelay.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a relay token may do on the CVMs it names (its entry's {@code scopes}). An entry without
 * {@code scopes} has {@link #DEFAULT}: {@code read} and {@code deploy}.
 */
public enum TokenScope {
    /** Read a CVM ({@code GET /cvms/{id}}; later its status, state and revisions). */
    READ,
    /** Deploy: provision, the compose PATCH, the unified PATCH's compose and env fields, a revision's redeploy. */
    DEPLOY,
    /** The unified PATCH's other fields: resources, image, visibility, shutdown, GPUs, and any field the relay does not know. */
    MANAGE,
    /** Start rollouts (modelled in the token; the rollout routes are IAM-signed today and do not take relay tokens). */
    ROLLOUT;

    /** An entry without {@code scopes}. */
    public static final Set<TokenScope> DEFAULT = java.util.Collections.unmodifiableSet(EnumSet.of(READ, DEPLOY));

    /** The name in the tokens secret and in answers ({@code read}, {@code deploy}, …). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code wire} exactly (lowercase), if there is one. */
    public static Optional<TokenScope> of(String wire) {
        for (TokenScope scope : values()) {
            if (scope.wire().equals(wire)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
