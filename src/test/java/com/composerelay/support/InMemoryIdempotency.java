package com.composerelay.support;

import com.composerelay.core.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The DynamoDB store's rules over a map: for tests of the triggers' idempotency. */
public final class InMemoryIdempotency implements IdempotencyStore {
    private record Entry(String fingerprint, Instant holdUntil, String outcomeJson, int callerStatus, Instant expires) {
        boolean completed() {
            return outcomeJson != null;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private boolean down;

    public InMemoryIdempotency(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    public synchronized void goDown() {
        down = true;
    }

    /** A claim by another delivery that holds the key until {@code holdUntil}. */
    public synchronized void heldElsewhere(String key, String fingerprint, Instant holdUntil) {
        entries.put(key, new Entry(fingerprint, holdUntil, null, 0, clock.instant().plus(ttl)));
    }

    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized Claim claim(String key, String fingerprint, Instant holdUntil) throws Unavailable {
        check();
        Instant now = clock.instant();
        Entry entry = entries.get(key);
        boolean free = entry == null || entry.expires().isBefore(now)
                || (!entry.completed() && entry.holdUntil().isBefore(now));
        if (free) {
            entries.put(key, new Entry(fingerprint, holdUntil, null, 0, now.plus(ttl)));
            return new Claim.Claimed();
        }
        if (!entry.fingerprint().equals(fingerprint)) {
            return new Claim.Mismatch();
        }
        return entry.completed() ? new Claim.Completed(entry.outcomeJson(), entry.callerStatus()) : new Claim.InProgress();
    }

    @Override
    public synchronized void complete(String key, String outcomeJson, int callerStatus) throws Unavailable {
        check();
        Entry entry = entries.get(key);
        entries.put(key, new Entry(entry.fingerprint(), null, outcomeJson, callerStatus, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized void release(String key) throws Unavailable {
        check();
        Entry entry = entries.get(key);
        if (entry != null && !entry.completed()) {
            entries.remove(key);
        }
    }

    private void check() throws Unavailable {
        if (down) {
            throw new Unavailable("could not claim the idempotency record in DynamoDB table relay-idempotency "
                    + "(ServiceUnavailable)");
        }
    }
}
