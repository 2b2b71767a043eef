package com.composerelay.core;

/** The relay's table (claims, locks, records) could not be read or written. */
public final class StoreUnavailable extends Exception {
    public StoreUnavailable(String message) {
        super(message, null, false, false);
    }
}
