package com.composerelay.core;

import java.time.Instant;

/**
 * Where the relay records which requests it has decided, so that a duplicate delivery never sends
 * a second PATCH: a key is claimed before the PATCH and completed with the outcome after it.
 */
public interface IdempotencyStore {

    /** What a claim found. */
    sealed interface Claim {
        /** The key is this request's now: go on and relay. */
        record Claimed() implements Claim {}

        /** Decided before: answer with what was recorded, send and publish nothing new. */
        record Completed(String outcomeJson, int callerStatus) implements Claim {}

        /** Another delivery holds the key and its deadline has not passed. */
        record InProgress() implements Claim {}

        /** The key was used for a different request. */
        record Mismatch() implements Claim {}
    }

    /**
     * Claims {@code key} for a request with this {@code fingerprint} until {@code holdUntil} (the
     * holder's Lambda deadline, after which another delivery may take it over).
     */
    Claim claim(String key, String fingerprint, Instant holdUntil) throws Unavailable;

    /** Records the decided outcome, for replay to duplicates within the window. */
    void complete(String key, String outcomeJson, int callerStatus) throws Unavailable;

    /** Gives the key up, so a retry or a redelivery may try again (a transient failure). */
    void release(String key) throws Unavailable;

    /** False for {@link #none()}, which remembers nothing (so nothing can be checked against it). */
    default boolean durable() {
        return true;
    }

    /** The store could not be read or written. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** No store: every request is claimed, so delivery is at-least-once. */
    static IdempotencyStore none() {
        return new IdempotencyStore() {
            @Override
            public Claim claim(String key, String fingerprint, Instant holdUntil) {
                return new Claim.Claimed();
            }

            @Override
            public void complete(String key, String outcomeJson, int callerStatus) {}

            @Override
            public void release(String key) {}

            @Override
            public boolean durable() {
                return false;
            }
        };
    }
}
