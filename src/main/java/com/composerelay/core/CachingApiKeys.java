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
    private final Metrics metrics;
    private String key;
    private Instant fetchedAt;

    public CachingApiKeys(Source source, Duration ttl, Clock clock) {
        this(source, ttl, clock, Metrics.none());
    }

    /** The same, counting each request's read as a cache hit or miss in {@code metrics}. */
    public CachingApiKeys(Source source, Duration ttl, Clock clock, Metrics metrics) {
        this.source = source;
        this.ttl = ttl;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public String current() throws KeyUnavailable {
        return read(false, null, true);
    }

    @Override
    public String refresh(String refused) throws KeyUnavailable {
        return read(true, refused, true);
    }

    /**
     * The cached key, or a fresh one once it is missing, stale or the one Phala refused; counted as
     * a hit or a miss (a failed read too) unless it is a prefetch.
     */
    private String read(boolean refusing, String refused, boolean counted) throws KeyUnavailable {
        boolean cached = false;
        try {
            synchronized (this) {
                cached = key != null && (refusing
                        ? !key.equals(refused)
                        : clock.instant().isBefore(fetchedAt.plus(ttl)));
                if (!cached) {
                    fetch();
                }
                return key;
            }
        } finally {
            if (counted) {
                metrics.apiKeyRead(cached);
            }
        }
    }

    /**
     * Reads the key ahead of the first request that needs it (at start-up, after a restore). A
     * failure is left for that request, which reads again and reports it. Not counted as a miss:
     * the metrics say what requests found.
     */
    public void prefetch() {
        try {
            read(false, null, false);
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
