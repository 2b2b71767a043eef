package com.composerelay.core;

import java.util.Optional;

/** A record looked up: a value written under a key and read back within the table's window. */
public interface Records {

    void put(String key, String value) throws StoreUnavailable;

    /** The value under {@code key}, or empty when there is none (never written, or expired). */
    Optional<String> get(String key) throws StoreUnavailable;

    /** False for a table that remembers nothing ({@link RelayTable#none()}): nothing can be checked against it. */
    default boolean durable() {
        return true;
    }
}
