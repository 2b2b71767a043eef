package com.composerelay.core;

import java.time.Instant;
import java.util.Optional;

/**
 * The relay's one table seen through its three ports, for the composition root: each user takes the
 * port for its job ({@link RequestClaims}, {@link Locks}, {@link Records}); the keys are {@link StoreKeys}'.
 */
public interface RelayTable extends RequestClaims, Locks, Records {

    /** No table: every request is claimed and every lock taken, so delivery is at-least-once. */
    static RelayTable none() {
        return new RelayTable() {
            @Override
            public Claim claim(String key, String fingerprint, Instant holdUntil) {
                return new Claim.Claimed();
            }

            @Override
            public void complete(String key, String body, int callerStatus) {}

            @Override
            public void release(String key) {}

            @Override
            public Taken take(String key, Instant until) {
                return Taken.TAKEN;
            }

            @Override
            public void done(String key) {}

            @Override
            public void free(String key) {}

            @Override
            public void put(String key, String value) {}

            @Override
            public Optional<String> get(String key) {
                return Optional.empty();
            }

            @Override
            public boolean durable() {
                return false;
            }
        };
    }
}
