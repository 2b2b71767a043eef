package com.composerelay.webhook;

import java.time.Duration;
import java.time.Instant;

/** Unix-seconds timestamps of signed requests, and whether one is fresh. */
final class Timestamps {
    private Timestamps() {}

    static boolean within(String unixSeconds, Instant now, Duration window) {
        if (unixSeconds.isEmpty() || unixSeconds.length() > 12 || !unixSeconds.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return within(Long.parseLong(unixSeconds), now, window);
    }

    static boolean within(long unixSeconds, Instant now, Duration window) {
        return unixSeconds >= 0 && Math.abs(now.getEpochSecond() - unixSeconds) <= window.getSeconds();
    }
}
