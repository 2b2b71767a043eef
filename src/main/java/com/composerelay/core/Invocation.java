package com.composerelay.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Lambda invocation a thread works for: its request id and its deadline. The handler sets it
 * for the length of one invocation; threads started inside it (an SQS batch's workers) inherit it.
 * Log lines take the request id from it, and AWS calls bound themselves by its deadline.
 *
 * @param requestId Lambda's {@code AWSRequestId}
 * @param deadline when Lambda stops the invocation
 */
public record Invocation(String requestId, Instant deadline) {
    private static final InheritableThreadLocal<Invocation> CURRENT = new InheritableThreadLocal<>();

    /** The invocation this thread works for, if any (start-up work and priming run outside one). */
    public static Optional<Invocation> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Runs {@code work} as part of this invocation, and restores what the thread had before. */
    public <T> T run(Supplier<T> work) {
        Invocation before = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            CURRENT.set(before);
        }
    }

    /** The time left before the deadline, never negative. */
    public Duration timeLeft(Instant now) {
        Duration left = Duration.between(now, deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
