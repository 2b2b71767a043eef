package com.composerelay.core;

import java.util.Optional;

/**
 * Where rollouts are kept: each rollout's record (written with its version, so that two writers
 * never lose each other's change), the request it was asked with, each app's sealed env, and which
 * rollout holds each CVM. Rollouts outlive the idempotency window: they are kept
 * {@link #RETENTION_DAYS} days.
 */
public interface RolloutStore {
    int RETENTION_DAYS = 30;

    /** Writes a new rollout and its request body; false when a rollout with its id exists. */
    boolean create(Rollout rollout, String requestBody) throws StoreUnavailable;

    Optional<Rollout> find(String rolloutId) throws StoreUnavailable;

    /** The request body the rollout was created with. */
    Optional<String> requestBody(String rolloutId) throws StoreUnavailable;

    /**
     * Writes {@code rollout} if the stored one is still at {@code rollout.version()}; returns it at
     * its new version.
     *
     * @throws Changed when another writer changed it first (read it again and redo the change)
     */
    Rollout save(Rollout rollout) throws StoreUnavailable, Changed;

    /** Keeps the env sealed for {@code appId}'s CVMs (Phala's {@code encrypted_env}) for the commit. */
    void putSealedEnv(String rolloutId, String appId, String encryptedEnv) throws StoreUnavailable;

    Optional<String> sealedEnv(String rolloutId, String appId) throws StoreUnavailable;

    /**
     * Takes {@code cvmId} for {@code rolloutId} unless another rollout that has not ended holds it;
     * returns the holder (the caller's id when taken or already its own).
     */
    String hold(String cvmId, String rolloutId) throws StoreUnavailable;

    /** Gives {@code cvmId} up if {@code rolloutId} holds it. */
    void release(String cvmId, String rolloutId) throws StoreUnavailable;

    /** Another writer changed the rollout since it was read. */
    final class Changed extends Exception {
        public Changed(String message) {
            super(message, null, false, false);
        }
    }
}
