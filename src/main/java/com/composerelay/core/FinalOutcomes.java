package com.composerelay.core;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Exactly one final outcome ({@code completed} or {@code failed}) per update, whichever of its
 * sources comes first (the watch, Phala's {@code cvm.updated} webhook); the others are ignored.
 * The idempotency store holds the claim, keyed by the update's correlation id.
 */
public final class FinalOutcomes {
    private final IdempotencyStore store;

    public FinalOutcomes(IdempotencyStore store) {
        this.store = store;
    }

    /** The key under which the final outcome of an update is claimed. */
    public static String key(String correlationId) {
        return "final:" + correlationId;
    }

    /**
     * Publishes {@code outcome} through {@code publish} if no final outcome of its update was
     * published before; true when it was published now.
     *
     * @throws IdempotencyStore.Unavailable when the claim could not be checked: nothing was published
     */
    public boolean decide(Outcome outcome, Instant holdUntil, Consumer<Outcome> publish) throws IdempotencyStore.Unavailable {
        String key = key(outcome.facts().correlationId());
        if (!(store.claim(key, "final", holdUntil) instanceof IdempotencyStore.Claim.Claimed)) {
            return false;
        }
        publish.accept(outcome);
        try {
            store.complete(key, "{\"status\":\"" + outcome.status() + "\"}", 200);
        } catch (IdempotencyStore.Unavailable e) {
            // Published all the same: the claim holds until holdUntil, and only a source after that could
            // publish again (the lesser harm than reporting this one as not published, which would retry it now).
        }
        return true;
    }
}
