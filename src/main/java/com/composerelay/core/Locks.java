package com.composerelay.core;

import java.time.Instant;

/**
 * A lock held for a time: one holder does a piece of work (queue a slash command, handle a Phala
 * event, run one watch check, publish an update's final outcome), and once it is done the lock says
 * so for the table's window, so the work is never done twice.
 */
public interface Locks {

    /** What taking a lock found. */
    enum Taken {
        /** The lock is the caller's now: do the work, then {@link #done} or {@link #free}. */
        TAKEN,
        /** Another holder has it and its time has not passed. */
        HELD,
        /** The work was done before. */
        DONE
    }

    /** Takes {@code key} until {@code until}, after which another holder may take it over. */
    Taken take(String key, Instant until) throws StoreUnavailable;

    /** The work is done: the lock stays taken for the table's window. */
    void done(String key) throws StoreUnavailable;

    /** Frees the lock without doing the work, so another may try. */
    void free(String key) throws StoreUnavailable;
}
