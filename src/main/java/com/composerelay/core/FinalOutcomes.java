package com.composerelay.core;

import java.time.Instant;

/**
 * Exactly one final outcome ({@code completed} or {@code failed}) per update, whichever of its
 * sources comes first (the watch, Phala's {@code cvm.updated} webhook); the others are ignored.
 * A lock keyed by the update's request id ({@link StoreKeys#FINAL_OUTCOME}) holds it: an id the relay
 * makes (an SQS message id, an API request id), never the correlation id a caller may choose, so two
 * updates sharing a correlation id still get one final outcome each.
 */
public final class FinalOutcomes {
    private final Locks locks;
    private final Publication publication;

    public FinalOutcomes(Locks locks, Publication publication) {
        this.locks = locks;
        this.publication = publication;
    }

    /**
     * Publishes {@code outcome} (replying at {@code replyUrl} when not null) if no final outcome of the
     * update {@code updateId} (its request id) was published before; true when it was published now.
     *
     * @throws StoreUnavailable when the lock could not be checked: nothing was published
     */
    public boolean decide(String updateId, Outcome outcome, Instant holdUntil, String replyUrl) throws StoreUnavailable {
        if (updateId == null || updateId.isBlank()) {
            throw new IllegalArgumentException("a final outcome needs its update's request id");
        }
        String key = StoreKeys.FINAL_OUTCOME.of(updateId);
        if (locks.take(key, holdUntil) != Locks.Taken.TAKEN) {
            return false;
        }
        publication.publish(outcome, replyUrl);
        try {
            locks.done(key);
        } catch (StoreUnavailable e) {
            // Published all the same: the lock holds until holdUntil, and only a source after that could
            // publish again (the lesser harm than reporting this one as not published, which would retry it now).
        }
        return true;
    }
}
