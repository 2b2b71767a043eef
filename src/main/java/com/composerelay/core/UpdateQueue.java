package com.composerelay.core;

import java.util.Map;

/** Hands an update to the request queue, so it runs after the chat command is acknowledged. */
public interface UpdateQueue {
    void enqueue(ComposeUpdate update, Map<String, String> attributes) throws Unavailable;

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
