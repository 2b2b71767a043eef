package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the key across warm invocations for a while, so most requests make no Secrets Manager
 * call, and fetches it anew when Phala refuses it (rotation).
 */
public final class CachingApiKeys implements ApiKeys {

    /** Reads the key from its store, uncached. */
    @FunctionalInterface
    public interface Source {
        String fetch() throws KeyUnavailable;
    }

    private final Source source;
    private final Duration ttl;
    private final Clock clock;
    private String key;
    private Instant fetchedAt;

    public CachingApiKeys(Source source, Duration ttl, Clock clock) {
        this.source = source;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public synchronized String current() throws KeyUnavailable {
        if (key == null || !clock.instant().isBefore(fetchedAt.plus(ttl))) {
            fetch();
        }
        return key;
    }

    @Override
    public synchronized String refresh(String refused) throws KeyUnavailable {
        if (key != null && !key.equals(refused)) {
            return key;
        }
        fetch();
        return key;
    }

    /**
     * Reads the key ahead of the first request that needs it (at start-up, after a restore). A
     * failure is left for that request, which reads again and reports it.
     */
    public void prefetch() {
        try {
            current();
        } catch (KeyUnavailable e) {
            // The request that needs the key reads it again and answers with the reason.
        }
    }

    /** Forgets the cached key, so a restored snapshot never reuses one from before. */
    public synchronized void forget() {
        key = null;
        fetchedAt = null;
    }

    private void fetch() throws KeyUnavailable {
        key = null;
        String fetched = source.fetch();
        if (fetched == null || fetched.isBlank()) {
            throw new KeyUnavailable("the API key secret is empty");
        }
        key = fetched.strip();
        fetchedAt = clock.instant();
    }

}
