package com.composerelay.support;

import com.composerelay.core.RelayTable;
import com.composerelay.core.StoreUnavailable;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The DynamoDB table's rules over a map (claims, locks, records): for tests of the triggers' idempotency. */
public final class InMemoryIdempotency implements RelayTable {
    private record Entry(String fingerprint, Instant holdUntil, String outcomeJson, int callerStatus, Instant expires) {
        boolean completed() {
            return outcomeJson != null;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private boolean down;
    private Runnable afterClaim = () -> { };

    public InMemoryIdempotency(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** {@code hook} runs after every claim, whatever it found (for tests that wait until a key was claimed). */
    public synchronized void afterEachClaim(Runnable hook) {
        this.afterClaim = hook;
    }

    public synchronized void goDown() {
        down = true;
    }

    /** A claim by another delivery that holds the key until {@code holdUntil}. */
    public synchronized void heldElsewhere(String key, String fingerprint, Instant holdUntil) {
        entries.put(key, new Entry(fingerprint, holdUntil, null, 0, clock.instant().plus(ttl)));
    }

    /** A lock taken by another holder until {@code until}. */
    public synchronized void lockHeldElsewhere(String key, Instant until) {
        heldElsewhere(key, RelayTable.LOCK, until);
    }

    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized Claim claim(String key, String fingerprint, Instant holdUntil) throws StoreUnavailable {
        try {
            return claimed(key, fingerprint, holdUntil);
        } finally {
            afterClaim.run();
        }
    }

    private Claim claimed(String key, String fingerprint, Instant holdUntil) throws StoreUnavailable {
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
    public synchronized void complete(String key, String outcomeJson, int callerStatus) throws StoreUnavailable {
        check();
        Entry entry = entries.get(key);
        entries.put(key, new Entry(entry.fingerprint(), null, outcomeJson, callerStatus, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized void release(String key) throws StoreUnavailable {
        check();
        Entry entry = entries.get(key);
        if (entry != null && !entry.completed()) {
            entries.remove(key);
        }
    }

    @Override
    public synchronized void put(String key, String value) throws StoreUnavailable {
        put(key, value, clock.instant().plus(ttl));
    }

    @Override
    public synchronized void put(String key, String value, Instant until) throws StoreUnavailable {
        check();
        entries.put(key, new Entry(value, null, "{}", 200, until));
    }

    /** When the record under {@code key} expires, or null when there is none. */
    public synchronized Instant expiresAt(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.expires();
    }

    @Override
    public synchronized Optional<String> get(String key) throws StoreUnavailable {
        check();
        Entry entry = entries.get(key);
        return entry == null || !entry.completed() || entry.expires().isBefore(clock.instant())
                ? Optional.empty() : Optional.of(entry.fingerprint());
    }

    private void check() throws StoreUnavailable {
        if (down) {
            throw new StoreUnavailable("could not claim the idempotency record in DynamoDB table relay-idempotency "
                    + "(ServiceUnavailable)");
        }
    }
}
