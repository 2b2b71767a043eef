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
        long seconds = Long.parseLong(unixSeconds);
        return Math.abs(now.getEpochSecond() - seconds) <= window.getSeconds();
    }
}
