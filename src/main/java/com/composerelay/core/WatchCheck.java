package com.composerelay.core;

import java.time.Instant;

/**
 * One check of a watched update, carried by a delayed queue message: which update, how many checks
 * came before, when the watch gives up, the nonce that shows the relay queued it, and whether the CVM
 * must be seen updating first (an update that keeps the compose hash, e.g. new env values only).
 */
public record WatchCheck(String cvmId, String composeHash, String correlationId, String requestId, Trigger trigger,
                         int check, Instant startedAt, Instant giveUpAt, String actor, String nonce,
                         boolean needsProgress, boolean seenProgress) {

    public WatchCheck next(boolean sawProgress) {
        return new WatchCheck(cvmId, composeHash, correlationId, requestId, trigger, check + 1, startedAt, giveUpAt, actor,
                nonce, needsProgress, seenProgress || sawProgress);
    }

    /** The key under which the relay registered this watch when it started it. */
    public String registrationKey() {
        return StoreKeys.WATCH_REGISTRATION.of(correlationId);
    }

    /**
     * What a check must match to be the relay's own: the random nonce the relay registered with the
     * watch (only the queue's messages carry it, never an outcome), the CVM, the hash and the time limit.
     */
    public String credential() {
        return nonce + ":" + giveUpAt.toEpochMilli() + ":" + startedAt.toEpochMilli() + ":" + cvmId + ":" + composeHash
                + ":" + needsProgress;
    }
}
