package com.composerelay.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Lambda invocation a thread works for: its request id and its deadline. The handler sets it
 * for the length of one invocation, and hands it to the workers it starts ({@link #carried}); it is
 * not inherited, so a long-lived pool thread (the SDK's timer) never keeps an old invocation. Log
 * lines take the request id from it, and AWS calls bound themselves by its deadline.
 *
 * @param requestId Lambda's {@code AWSRequestId}
 * @param deadline when Lambda stops the invocation
 */
public record Invocation(String requestId, Instant deadline) {
    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

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

    /** {@code work} to run on another thread as part of this thread's invocation, if it has one. */
    public static Runnable carried(Runnable work) {
        Invocation invocation = CURRENT.get();
        return invocation == null ? work : () -> invocation.run(() -> {
            work.run();
            return null;
        });
    }

    /** The time left before the deadline, never negative. */
    public Duration timeLeft(Instant now) {
        Duration left = Duration.between(now, deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
