package com.composerelay.core;

import java.time.Duration;

/** Where the checks of watched updates wait for their turn (delayed messages on the request queue). */
public interface WatchQueue {
    void schedule(WatchCheck check, Duration delay) throws Unavailable;

    /** The check could not be queued. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** False for {@link #none()}: a relay without a queue refuses {@code wait}. */
    default boolean configured() {
        return true;
    }

    static WatchQueue none() {
        return new WatchQueue() {
            @Override
            public void schedule(WatchCheck check, Duration delay) throws Unavailable {
                throw new Unavailable("no request queue is configured");
            }

            @Override
            public boolean configured() {
                return false;
            }
        };
    }
}
