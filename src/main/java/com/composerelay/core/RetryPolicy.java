package com.composerelay.core;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: exponential backoff with jitter, as Phala's own
 * Terraform provider does (1 s, 2 s, 4 s ... capped), or exactly what {@code Retry-After} asks for.
 *
 * @param maxAttempts attempts in all, the first included
 * @param baseDelay the wait before the second attempt, before jitter
 * @param maxDelay the longest backoff wait (a longer {@code Retry-After} is still honoured)
 * @param random a source of uniform numbers in [0, 1), for the jitter
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, DoubleSupplier random) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public boolean mayRetryAfter(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /**
     * The wait after attempt number {@code attemptsMade} (1-based): {@code Retry-After} when given,
     * otherwise "equal jitter" over {@code baseDelay * 2^(attemptsMade-1)}, capped at {@code maxDelay}:
     * at least half the backoff, so waits still grow, plus a random part so callers spread out.
     */
    public Duration delayAfter(int attemptsMade, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get().isNegative() ? Duration.ZERO : retryAfter.get();
        }
        long base = baseDelay.toMillis();
        int shift = Math.min(Math.max(attemptsMade - 1, 0), 30);
        long backoff = Math.min(maxDelay.toMillis(), base << shift);
        if (backoff < 0) {
            backoff = maxDelay.toMillis();
        }
        long half = backoff / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (backoff - half)));
    }
}
