package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The relay tokens, read from their store (Secrets Manager) and cached like the API key: kept for
 * the cache's time, and read anew when a token is not among them and the list is older than a
 * minute (a token just issued works within a minute; a flood of unknown tokens costs one read a
 * minute).
 */
public final class RelayTokens {
    /** How old the cached list must be before an unknown token makes the relay read it anew. */
    public static final Duration REREAD_AFTER = ListCache.REREAD_AFTER;

    /** Where the list comes from. */
    @FunctionalInterface
    public interface Source {
        List<RelayToken> fetch() throws Unavailable;
    }

    /** The list could not be read; the message names the secret and the cause, never a value. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final ListCache<RelayToken, Unavailable> list;

    public RelayTokens(Source source, Duration ttl, Clock clock) {
        this.list = new ListCache<>(source::fetch, ttl, clock);
    }

    /** The list, from the cache while it is younger than the cache's time. */
    public List<RelayToken> current() throws Unavailable {
        return list.current();
    }

    /** The list read anew if the cached one is older than {@link #REREAD_AFTER}, else the cached one. */
    public List<RelayToken> rereadIfOld() throws Unavailable {
        return list.rereadIfOld();
    }

    /** No tokens: every token is unknown. */
    public static RelayTokens none(Clock clock) {
        return new RelayTokens(List::of, Duration.ofDays(365), clock);
    }
}
