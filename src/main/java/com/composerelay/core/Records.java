package com.composerelay.core;

import java.time.Instant;
import java.util.Optional;

/** A record looked up: a value written under a key and read back within the table's window. */
public interface Records {

    void put(String key, String value) throws StoreUnavailable;

    /** As {@link #put(String, String)}, but kept until {@code until} rather than for the table's window. */
    void put(String key, String value, Instant until) throws StoreUnavailable;

    /** The value under {@code key}, or empty when there is none (never written, or expired). */
    Optional<String> get(String key) throws StoreUnavailable;

    /** False for a table that remembers nothing ({@link RelayTable#none()}): nothing can be checked against it. */
    default boolean durable() {
        return true;
    }
}
