package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A list read from a store and kept for the cache's time, read anew early on demand once the copy is
 * at least {@link #REREAD_AFTER} old (something just added works within a minute; a flood of misses
 * costs one read a minute). A read that fails is never answered from the older copy. The relay
 * tokens and the release channels are kept this way.
 *
 * @param <T> an entry of the list
 * @param <E> what a failed read throws
 */
public final class ListCache<T, E extends Exception> {
    /** How old the copy must be before a miss makes the relay read the list anew. */
    public static final Duration REREAD_AFTER = Duration.ofMinutes(1);

    /** Where the list comes from. */
    @FunctionalInterface
    public interface Source<T, E extends Exception> {
        List<T> fetch() throws E;
    }

    private final Source<T, E> source;
    private final Duration ttl;
    private final Clock clock;
    private List<T> cached;
    private Instant readAt;

    public ListCache(Source<T, E> source, Duration ttl, Clock clock) {
        this.source = source;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The list, from the cache while it is younger than the cache's time. */
    public synchronized List<T> current() throws E {
        return olderThan(ttl) ? read() : cached;
    }

    /** The list read anew if the copy is at least {@link #REREAD_AFTER} old, else the copy. */
    public synchronized List<T> rereadIfOld() throws E {
        return olderThan(REREAD_AFTER) ? read() : cached;
    }

    private boolean olderThan(Duration age) {
        return cached == null || Duration.between(readAt, clock.instant()).compareTo(age) >= 0;
    }

    private List<T> read() throws E {
        cached = List.copyOf(source.fetch());
        readAt = clock.instant();
        return cached;
    }
}
