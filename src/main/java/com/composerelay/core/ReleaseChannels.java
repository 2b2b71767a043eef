package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The release channels, read from their store (an SSM parameter) and cached like the relay tokens:
 * kept for the cache's time ({@code API_KEY_CACHE_TTL_SECONDS}), and read anew when a push names a
 * repository no cached channel knows and the list is at least {@link #REREAD_AFTER} old (a channel
 * just added works within a minute; a flood of pushes to other repositories costs one read a
 * minute). A read that fails is never answered from an older copy: the caller gets
 * {@link Unavailable} (and no deploy) until a read succeeds.
 */
public final class ReleaseChannels {
    /** How old the cached list must be before a push of an unknown repository makes the relay read it anew. */
    public static final Duration REREAD_AFTER = ListCache.REREAD_AFTER;

    /** Where the list comes from. */
    @FunctionalInterface
    public interface Source {
        List<ReleaseChannel> fetch() throws Unavailable;
    }

    /** The list could not be read, or read but not used; the message names the parameter and the cause, never a value. */
    public static final class Unavailable extends Exception {
        /** Why. */
        public enum Reason {
            /** The store did not answer (timeout, connection). */
            UNREACHABLE,
            /** The store answered with an error (access denied, throttled, a key it cannot use). */
            REFUSED,
            /** There is no such parameter. */
            NOT_FOUND,
            /** The parameter was read, and breaks the channels' rules: the message names the entry and field. */
            MALFORMED
        }

        private final Reason reason;

        public Unavailable(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final ListCache<ReleaseChannel, Unavailable> list;

    public ReleaseChannels(Source source, Duration ttl, Clock clock) {
        this.list = new ListCache<>(source::fetch, ttl, clock);
    }

    /** Every channel, from the cache while it is younger than the cache's time. */
    public List<ReleaseChannel> all() throws Unavailable {
        return list.current();
    }

    /**
     * The channels a push of {@code tag} to {@code repository} is for, in the list's order: those of
     * that repository (compared exactly) with a tag glob matching. When no cached channel is of that
     * repository, the list is read once more first if it is at least {@link #REREAD_AFTER} old.
     */
    public List<ReleaseChannel> matching(String repository, String tag) throws Unavailable {
        List<ReleaseChannel> channels = all();
        if (channels.stream().noneMatch(c -> c.repository().equals(repository))) {
            channels = list.rereadIfOld();
        }
        return channels.stream().filter(c -> c.matches(repository, tag)).toList();
    }

    /**
     * Finds a channel by its name (names are unique), from the cache; a name the cached list does not
     * hold reads it anew when the copy is at least {@link #REREAD_AFTER} old. Null when there is none.
     */
    public ReleaseChannel named(String name) throws Unavailable {
        List<ReleaseChannel> channels = all();
        if (channels.stream().noneMatch(c -> c.name().equals(name))) {
            channels = list.rereadIfOld();
        }
        return channels.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** No channels: every push is for none. */
    public static ReleaseChannels none(Clock clock) {
        return new ReleaseChannels(List::of, Duration.ofDays(365), clock);
    }
}
