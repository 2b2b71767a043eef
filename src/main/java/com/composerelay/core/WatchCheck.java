package com.composerelay.core;

import java.time.Instant;

/**
 * One check of a watched update, carried by a delayed queue message: which update, how many checks
 * came before, and when the watch gives up.
 */
public record WatchCheck(String cvmId, String composeHash, String correlationId, String requestId, Trigger trigger,
                         int check, Instant startedAt, Instant giveUpAt, String actor) {

    public WatchCheck next() {
        return new WatchCheck(cvmId, composeHash, correlationId, requestId, trigger, check + 1, startedAt, giveUpAt, actor);
    }
}
