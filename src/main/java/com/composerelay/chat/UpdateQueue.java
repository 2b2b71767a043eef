package com.composerelay.chat;

import com.composerelay.core.ComposeUpdate;
import java.util.Map;

/** Hands an update to the request queue, so it runs after the chat command is acknowledged. */
public interface UpdateQueue {
    void enqueue(ComposeUpdate update, Map<String, String> attributes) throws Unavailable;

    /** The queue could not take the update. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
