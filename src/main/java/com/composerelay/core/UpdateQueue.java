package com.composerelay.core;

import java.util.Map;

/** Hands an update to the request queue, so it runs after the chat command is acknowledged. */
public interface UpdateQueue {
    void enqueue(ComposeUpdate update, Map<String, String> attributes) throws Unavailable;

    /**
     * Hands a release from chat to the queue: {@code {"release": {"channel": …, "tag": …}}}, or
     * {@code {"release": {"channel": …, "rollback": true}}} when {@code tag} is null.
     */
    default void enqueueRelease(String channel, String tag, Map<String, String> attributes) throws Unavailable {
        throw new Unavailable("this queue takes no releases");
    }

    /** No queue: a relay without the Slack route (it is off unless a request queue is configured). */
    static UpdateQueue none() {
        return (update, attributes) -> {
            throw new Unavailable("no request queue is configured");
        };
    }

    /** The queue could not take the update. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
