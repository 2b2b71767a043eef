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

    /** The version a rollout is created at. */
    long FIRST_VERSION = 1;

    /** Writes a new rollout (at {@link #FIRST_VERSION}) and its request body; false when a rollout with its id exists. */
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

    /**
     * Changes the rollout and writes it: first from {@code known} (the version the caller last read or
     * wrote, or null), else, and whenever another writer came first, from a fresh read; at most five
     * tries. The one read-change-write loop of rollouts.
     *
     * @throws StoreUnavailable also when no rollout {@code rolloutId} is recorded
     * @throws Changed when other writers kept coming first
     */
    default Rollout update(String rolloutId, Rollout known, java.util.function.UnaryOperator<Rollout> change)
            throws StoreUnavailable, Changed {
        if (known != null) {
            try {
                return save(change.apply(known));
            } catch (Changed e) {
                // another writer came first: read it again below
            }
        }
        Changed last = new Changed("rollout " + rolloutId + " kept changing");
        for (int attempt = 0; attempt < 5; attempt++) {
            Rollout current = find(rolloutId).orElseThrow(() -> new StoreUnavailable("rollout " + rolloutId
                    + " is not recorded"));
            try {
                return save(change.apply(current));
            } catch (Changed e) {
                last = e;
            }
        }
        throw last;
    }

    /** Keeps the env sealed for {@code appId}'s CVMs (Phala's {@code encrypted_env}) for the commit. */
    /** Records {@code rolloutId} as release channel {@code channel}'s last completed release (push or deploy). */
    void putLastRelease(String channel, String rolloutId) throws StoreUnavailable;

    /** The rollout of channel {@code channel}'s last completed release, if one is recorded. */
    Optional<String> lastRelease(String channel) throws StoreUnavailable;

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
