package com.composerelay.core;

import java.time.Instant;
import java.util.Optional;

/**
 * The relay's one table seen through its three ports, for the composition root: each user takes the
 * port for its job ({@link RequestClaims}, {@link Locks}, {@link Records}); the keys are {@link StoreKeys}'.
 */
public interface RelayTable extends RequestClaims, Locks, Records {
    /** The fingerprint of a lock: a lock's key says all there is of its work. */
    String LOCK = "lock";

    /** A lock is a claim of its key with the fingerprint {@link #LOCK}, completed when its work is done. */
    @Override
    default Taken take(String key, Instant until) throws StoreUnavailable {
        return switch (claim(key, LOCK, until)) {
            case Claim.Claimed c -> Taken.TAKEN;
            case Claim.InProgress c -> Taken.HELD;
            // Completed, or an item of another kind under this key: either way the work is not done again.
            case Claim.Completed c -> Taken.DONE;
            case Claim.Mismatch c -> Taken.DONE;
        };
    }

    @Override
    default void done(String key) throws StoreUnavailable {
        complete(key, "{}", 200);
    }

    @Override
    default void free(String key) throws StoreUnavailable {
        release(key);
    }

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
            public void put(String key, String value, Instant until) {}

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
