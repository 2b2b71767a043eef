package com.composerelay.core;

import java.time.Instant;

/**
 * A request claimed once: its key is claimed before it runs and completed with the answer its
 * caller got, so a duplicate delivery is answered as recorded and never sends a second PATCH.
 */
public interface RequestClaims {

    /** What a claim found. */
    sealed interface Claim {
        /** The key is this request's now: go on and run it. */
        record Claimed() implements Claim {}

        /** Decided before: answer with what was recorded, send and publish nothing new. */
        record Completed(String body, int callerStatus) implements Claim {}

        /** Another delivery holds the key and its deadline has not passed. */
        record InProgress() implements Claim {}

        /** The key was used for a different request. */
        record Mismatch() implements Claim {}
    }

    /**
     * Claims {@code key} for a request with this {@code fingerprint} until {@code holdUntil} (the
     * holder's Lambda deadline, after which another delivery may take it over).
     */
    Claim claim(String key, String fingerprint, Instant holdUntil) throws StoreUnavailable;

    /** Records the answer the caller got ({@code body}, {@code callerStatus}), for duplicates within the window. */
    void complete(String key, String body, int callerStatus) throws StoreUnavailable;

    /** Gives the key up, so a retry or a redelivery may try again (a transient failure). */
    void release(String key) throws StoreUnavailable;
}
